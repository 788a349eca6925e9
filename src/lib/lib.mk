# lib.mk — libgantune, the public library (include/gantune.h, src/lib/gantune.c), its example
# (examples/cluster_decayer.cpp) and `make install`. Included by the Makefile.
#
# The public library is a shared object built from its own position-independent object set
# (build/pic/, -fPIC -fvisibility=hidden, so only the gantune_* symbols of gantune.h are
# exported and the internal names — die, xmalloc, nn_* — cannot clash with a caller's): the
# internal static build/libgantune.a that the programs link stays as it is, and the two never
# share a name on disk (build/lib/ holds the public one). Only the sources the API needs go
# in: model files, the sampler and the network (with gan.c the calo model, calogan.c, and
# what its step reads: data/calo.c, data/wasserstein.c), not the search, the report or LAPACK.
LIB_SOVERSION := 0
LIB_VERSION   := 0.1.0
LIB_SRCS  := src/lib/gantune.c src/model/gtm.c src/model/sample.c src/model/transform.c src/model/net.c \
             src/model/nn.c \
             src/model/gan.c src/model/bf16.c src/base/rng.c src/base/util.c src/base/atomic.c \
             src/model/calogan.c src/data/calo.c src/data/wasserstein.c
LIB_OBJS  := $(patsubst src/%.c,build/pic/%.o,$(LIB_SRCS))
# the library samples in float32 only: its bf16.o is the build without oneDNN (bf16 refused),
# so libgantune.so never needs libdnnl
build/pic/model/bf16.o: CFLAGS := $(filter-out -DGANTUNE_DNNL,$(CFLAGS))
LIB_REAL  := build/lib/libgantune.so.$(LIB_VERSION)
LIB_LIBS  := -lopenblas -lz -lm
CXX       ?= g++
PREFIX    ?= /usr/local
DESTDIR   ?=

.PHONY: lib example install
lib: $(LIB_REAL) build/lib/libgantune.so
example: build/examples/cluster_decayer

build/pic/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Iinclude -fPIC -fvisibility=hidden $(DEPFLAGS) -c -o $@ $<
build/pic/model/nn.o: override CFLAGS += $(NN_CFLAGS)

# --no-undefined: a source missing from LIB_SRCS fails here, not in the caller's link
# gantune.map: only gantune_* exported
$(LIB_REAL): $(LIB_OBJS) src/lib/gantune.map
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libgantune.so.$(LIB_SOVERSION) \
	  -Wl,--no-undefined -Wl,--version-script=src/lib/gantune.map -o $@ $(LIB_OBJS) $(LIB_LIBS)
build/lib/libgantune.so: $(LIB_REAL)
	ln -sf $(notdir $<) build/lib/libgantune.so.$(LIB_SOVERSION)
	ln -sf $(notdir $<) $@

# the example, in the tree (rpath to build/lib); tests/export.bats also builds it against an
# installed copy through pkg-config
build/examples/cluster_decayer: examples/cluster_decayer.cpp include/gantune.h build/lib/libgantune.so
	@mkdir -p $(@D)
	$(CXX) -O2 -std=c++17 -Wall -Wextra -Werror -Iinclude -o $@ $< -Lbuild/lib -lgantune \
	  -Wl,-rpath,$(abspath build/lib)

# make install PREFIX=... [DESTDIR=...]: the programs, man pages, the library, its header and
# a pkg-config file (gantune.pc)
install: all lib
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man3
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/man1/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/man3/*.3 $(DESTDIR)$(PREFIX)/share/man/man3/
	install -m 644 include/gantune.h $(DESTDIR)$(PREFIX)/include/
	install -m 755 $(LIB_REAL) $(DESTDIR)$(PREFIX)/lib/
	ln -sf $(notdir $(LIB_REAL)) $(DESTDIR)$(PREFIX)/lib/libgantune.so.$(LIB_SOVERSION)
	ln -sf $(notdir $(LIB_REAL)) $(DESTDIR)$(PREFIX)/lib/libgantune.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(LIB_VERSION)|' src/lib/gantune.pc.in \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/gantune.pc

# ONNX Runtime for the export tests and benchmark (tools/node_modules, ignored by git); the
# package carries its CPU build, so its install script, which would only fetch CUDA parts from
# NuGet, is skipped
.PHONY: deps-node
deps-node:
	@if command -v npm >/dev/null 2>&1; then \
	  if [ -d tools/node_modules/onnxruntime-node ]; then echo "make deps: onnxruntime-node present"; \
	  else echo "make deps: npm ci in tools/ (onnxruntime-node)"; \
	    cd tools && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund; fi; \
	else echo "make deps: npm not found: tests/export.bats will skip the ONNX Runtime checks (install Node.js >= 18 with npm, then make deps)"; fi

test: lib example
