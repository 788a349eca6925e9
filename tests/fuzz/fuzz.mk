# tests/fuzz/fuzz.mk — fuzz targets (tests/fuzz/README.md), included by the Makefile.
#   make fuzz         build with clang's libFuzzer + ASan + UBSan (build/fuzz/lf/), run each
#                     target FUZZ_SECONDS (20) on a copy of its committed corpus; fails on a
#                     crash or a broken oracle (the input is kept in build/fuzz/crashes/)
#   make fuzz-replay  the committed corpus and tests/fuzz/regress/ through every target built
#                     with $(CC) + ASan + UBSan and a plain main (build/fuzz/sa/): no clang needed
#   make fuzz-afl     the targets for AFL++ (Debian afl++, afl-clang-fast; build/fuzz/afl/), run
#                     afl-fuzz -i tests/fuzz/corpus/X -o OUT -- build/fuzz/afl/fuzz_X @@
FUZZ_TARGETS := csv csv_gz space history records runconf model
FUZZ_SECONDS ?= 20
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_LIBOBJ  := $(patsubst src/%.c,%.o,$(wildcard $(patsubst %,src/%/*.c,base data model hpo))) \
                tools/trial-aggregate.o
FUZZ_FLAGS   := -g -O1 -fno-omit-frame-pointer -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
                -Werror -Isrc -Itests/fuzz $(if $(BLAS_INC),-I$(BLAS_INC))

# fuzz_build DIR CC COMPILE-FLAGS LINK-FLAGS: objects and targets under build/fuzz/DIR; the
# library, trial-aggregate (main renamed) and the target files get hooks.h, the harness not
define fuzz_build
build/fuzz/$(1)/obj/%.o: src/%.c tests/fuzz/hooks.h
	@mkdir -p $$(@D)
	$(2) $(FUZZ_FLAGS) $(3) -include tests/fuzz/hooks.h -c -o $$@ $$<
build/fuzz/$(1)/obj/tools/trial-aggregate.o: src/tools/trial-aggregate.c tests/fuzz/hooks.h
	@mkdir -p $$(@D)
	$(2) $(FUZZ_FLAGS) $(3) -include tests/fuzz/hooks.h -Dmain=trial_aggregate_main -c -o $$@ $$<
build/fuzz/$(1)/obj/fuzz_%.o: tests/fuzz/fuzz_%.c tests/fuzz/hooks.h tests/fuzz/harness.h
	@mkdir -p $$(@D)
	$(2) $(FUZZ_FLAGS) $(3) -include tests/fuzz/hooks.h -c -o $$@ $$<
build/fuzz/$(1)/obj/fuzz_csv_gz.o: tests/fuzz/fuzz_csv.c tests/fuzz/hooks.h tests/fuzz/harness.h
	@mkdir -p $$(@D)
	$(2) $(FUZZ_FLAGS) $(3) -include tests/fuzz/hooks.h -DFUZZ_GZ -c -o $$@ $$<
build/fuzz/$(1)/obj/harness.o: tests/fuzz/harness.c tests/fuzz/harness.h
	@mkdir -p $$(@D)
	$(2) $(FUZZ_FLAGS) $(3) $(5) -c -o $$@ $$<
build/fuzz/$(1)/fuzz_%: build/fuzz/$(1)/obj/fuzz_%.o build/fuzz/$(1)/obj/harness.o \
                        $(addprefix build/fuzz/$(1)/obj/,$(FUZZ_LIBOBJ))
	$(2) $(4) -o $$@ $$^ $(LDLIBS)
.PRECIOUS: build/fuzz/$(1)/obj/%.o build/fuzz/$(1)/obj/tools/%.o build/fuzz/$(1)/obj/fuzz_%.o
endef
# nn.c's target_clones and -O3 are kept out: the fuzz targets read files, they train nothing
$(eval $(call fuzz_build,lf,$(FUZZ_CC),$(FUZZ_SAN) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -fsanitize=fuzzer,))
$(eval $(call fuzz_build,sa,$(CC),$(FUZZ_SAN),$(FUZZ_SAN),-DFUZZ_STANDALONE))
$(eval $(call fuzz_build,afl,afl-clang-fast,$(FUZZ_SAN) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -fsanitize=fuzzer,))

.PHONY: fuzz fuzz-build fuzz-replay fuzz-afl
fuzz-build: $(addprefix build/fuzz/lf/fuzz_,$(FUZZ_TARGETS))
fuzz: fuzz-build
	@tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)
fuzz-replay: $(addprefix build/fuzz/sa/fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  ASAN_OPTIONS=detect_leaks=1 build/fuzz/sa/fuzz_$$t tests/fuzz/corpus/$$t \
	    $$(ls -d tests/fuzz/regress/$$t 2>/dev/null) || exit 1; done
fuzz-afl: $(addprefix build/fuzz/afl/fuzz_,$(FUZZ_TARGETS))
