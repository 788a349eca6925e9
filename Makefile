# gantune — one Makefile for every program.
# Programs are discovered: every src/*.c with a main() becomes bin/NAME; every other src/*.c is
# a shared module linked into all of them. C unit tests are tests/unit/test_*.c, Bats tests
# tests/*.bats. Workflow, report and CUDA targets live in the *.mk files included at the end.
CC      ?= cc
CFLAGS  ?= -O2 -march=x86-64-v2 -g
CFLAGS  += -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Isrc
LDLIBS  += -llapacke -lopenblas -lz -lm
BLAS_INC := $(firstword $(wildcard /usr/include/x86_64-linux-gnu/openblas-pthread /usr/include/openblas))
ifneq ($(BLAS_INC),)
CFLAGS  += -I$(BLAS_INC)
endif

MAINS   := $(shell grep -lE '^int main\b' src/*.c)
PROGS   := $(patsubst src/%.c,bin/%,$(MAINS))
MODS    := $(filter-out $(MAINS),$(wildcard src/*.c))
MODOBJS := $(patsubst src/%.c,build/%.o,$(MODS))
UNITS   := $(patsubst tests/unit/%.c,build/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all deps test unit bats bench clean
all: $(PROGS)

build/%.o: src/%.c $(wildcard src/*.h) | build
	$(CC) $(CFLAGS) -c -o $@ $<
build/libgantune.a: $(MODOBJS)
	$(AR) rcs $@ $^
bin/%: build/%.o build/libgantune.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
build/tests/%: tests/unit/%.c build/libgantune.a $(wildcard src/*.h) | build
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< build/libgantune.a $(LDLIBS)
build:
	mkdir -p build/tests
.PRECIOUS: build/%.o

# nn.c, the training hot loop: -O3 plus two flags that only drop C features the layers do not
# use (errno from math functions, trapping FP exceptions); without them GCC keeps the batch-norm
# and activation loops scalar. AVX-512 paths are chosen at run time (target_clones in nn.c), so
# the binaries stay portable to any x86-64-v2 machine.
build/nn.o: CFLAGS += -O3 -fno-math-errno -fno-trapping-math

# Debian packages the project needs; installs only what is missing.
DEB_PKGS := build-essential parallel libopenblas-dev liblapacke-dev zlib1g-dev bats gnuplot-nox \
            openssh-server openssh-client python3-numpy python3-scipy
deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	  grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "make deps: installing $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	else echo "make deps: all Debian packages present"; fi

unit: $(UNITS)
	@fail=0; for t in $(UNITS); do echo "== $$t"; $$t || fail=1; done; exit $$fail
bats: all
	bats tests/
test: all $(UNITS)
	@tests/run-all

clean:
	rm -rf build $(PROGS)

-include cuda/*.mk workflows/*.mk bench/*.mk
