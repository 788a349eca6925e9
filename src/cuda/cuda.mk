# cuda.mk — `make cuda`: CUDA-enabled gan-train and gan-sample in bin/cuda/, plus the CPU-vs-GPU
# self-check bin/cuda/cuda-check. Included by the Makefile; plain `make` never touches nvcc.
#
# nvcc is found on PATH, then under /usr/local/cuda/bin, then the newest /usr/local/cuda-*/bin
# (override with `make cuda NVCC=/path/to/nvcc`). The C sources are compiled again into
# build/cuda/ with -DGANTUNE_CUDA, so the CPU build in build/ and bin/ is left as it is.
# Architectures: sm_90 code (H100/H200) plus compute_90 PTX, which the driver JIT-compiles for
# newer GPUs; override with CUDA_GENCODE="-gencode arch=compute_80,code=sm_80" and so on.

NVCC ?= $(firstword $(shell command -v nvcc 2>/dev/null) $(wildcard /usr/local/cuda/bin/nvcc) \
          $(shell ls -d /usr/local/cuda-*/bin/nvcc 2>/dev/null | sort -V | tail -n 1))
CUDA_GENCODE ?= -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90
NVCCFLAGS ?= -O3 -g -lineinfo
NVCCFLAGS += --cudart shared -std=c++17 $(CUDA_GENCODE) -Isrc --Werror all-warnings \
             -Xcompiler -Wall,-Wextra,-Werror
# cudart and cuBLAS as shared libraries (one CUDA runtime in the process), found at run time
# through an rpath to the toolkit's library directory
CUDA_LIBDIR = $(firstword $(wildcard $(dir $(NVCC))../lib64 $(dir $(NVCC))../lib))

CUDA_CU    := $(wildcard src/cuda/*.cu)
CUDA_CUOBJ := $(patsubst src/cuda/%.cu,build/cuda/%.cu.o,$(CUDA_CU))
CUDA_MODOBJ := $(patsubst src/%.c,build/cuda/%.o,$(MODS))
CUDA_PROGS := bin/cuda/gan-train bin/cuda/gan-sample bin/cuda/cuda-check
CUDA_LIBS  = -lcublas $(LDLIBS) $(if $(CUDA_LIBDIR),-Xlinker -rpath=$(abspath $(CUDA_LIBDIR)))

.PHONY: cuda cuda-info cuda-clean
cuda-info:
	@if [ -z "$(NVCC)" ]; then \
	  echo "make cuda: nvcc not found (looked on PATH, /usr/local/cuda/bin, /usr/local/cuda-*/bin);" \
	       "install the CUDA toolkit or run make cuda NVCC=/path/to/nvcc" >&2; exit 1; fi
	@[ -x "$(NVCC)" ] || { echo "make cuda: NVCC=$(NVCC) is not an executable file" >&2; exit 1; }
	@echo "make cuda: using $(NVCC) ($$($(NVCC) --version | sed -n 's/.*release \([0-9.]*\).*/CUDA \1/p')), $(CUDA_GENCODE)"

cuda: cuda-info
	@$(MAKE) --no-print-directory cuda-progs

.PHONY: cuda-progs
cuda-progs: $(CUDA_PROGS)

# nn.c is built as the Makefile builds build/model/nn.o (the same NN_CFLAGS), so that the CUDA
# build's CPU path gives the same bits as bin/gan-train (tests/cuda.bats compares their records
# and model files)
build/cuda/model/nn.o: override CFLAGS += $(NN_CFLAGS)
build/cuda/%.cu.o: src/cuda/%.cu | build/cuda
	$(NVCC) $(NVCCFLAGS) -MD -MP -c -o $@ $<
build/cuda/%.o: src/%.c | build/cuda
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPFLAGS) -DGANTUNE_CUDA -c -o $@ $<
build/cuda/tools/cuda-check.o: tests/cuda/cuda-check.c | build/cuda
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPFLAGS) -DGANTUNE_CUDA -Itests/unit -c -o $@ $<
build/cuda/libgantune.a: $(CUDA_MODOBJ)
	$(AR) rcs $@ $^
bin/cuda/%: build/cuda/tools/%.o $(CUDA_CUOBJ) build/cuda/libgantune.a | bin/cuda
	$(NVCC) $(CUDA_GENCODE) --cudart shared -o $@ $^ $(CUDA_LIBS)
# after the Makefile's `build` (which also makes build/tests), so that `make cuda` run first in
# a clean tree does not leave build/ without build/tests
build/cuda: | build
	mkdir -p $@
bin/cuda:
	mkdir -p $@
.PRECIOUS: build/cuda/%.o build/cuda/tools/%.o build/cuda/%.cu.o

cuda-clean:
	rm -rf build/cuda bin/cuda
clean: cuda-clean
