# gan.mk — gan-train/gan-sample benchmarks, and the compile flags of the hot layer file.
# nn.c: -O3 plus two flags that only drop C features the layers do not use (errno from math
# functions, trapping FP exceptions); without them GCC keeps the batch-norm/activation loops
# scalar. The AVX-512 paths are chosen at run time (target_clones in nn.c), so the binary
# stays portable to any x86-64-v2 machine.
build/nn.o: CFLAGS += -O3 -fno-math-errno -fno-trapping-math

.PHONY: bench-gan
bench: bench-gan
bench-gan: all
	bench/gan.sh

build/gan_infer: bench/gan_infer.c build/libgantune.a | build
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< build/libgantune.a $(LDLIBS)
bench-gan: build/gan_infer
