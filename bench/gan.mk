# gan.mk — gan-train/gan-sample benchmarks (bench/gan.sh).

.PHONY: bench-gan
bench: bench-gan
bench-gan: all
	bench/gan.sh

build/gan_infer: bench/gan_infer.c build/libgantune.a | build
	$(CC) $(CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< build/libgantune.a $(LDLIBS)
bench-gan: build/gan_infer

build/gan_streams: bench/gan_streams.c build/libgantune.a | build
	$(CC) $(CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< build/libgantune.a $(LDLIBS)
bench-gan: build/gan_streams

.PHONY: bench-nn
build/nn_narrow: bench/nn_narrow.c build/libgantune.a | build
	$(CC) $(CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< build/libgantune.a $(LDLIBS)
bench-nn: build/nn_narrow
	OPENBLAS_NUM_THREADS=1 build/nn_narrow
bench: bench-nn

# bfloat16 GEMMs (oneDNN, --precision bf16) against float32 sgemm at gan-train's shapes
.PHONY: bench-bf16
build/bf16_gemm: bench/bf16_gemm.c build/libgantune.a | build
	$(CC) $(CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< build/libgantune.a $(LDLIBS)
bench-bf16: build/bf16_gemm
	OPENBLAS_NUM_THREADS=1 build/bf16_gemm
ifneq ($(DNNL),)
bench: bench-bf16
endif
