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

# gan-train --precision fp32 against bf16 at the wide set of the broad search's design
# (144/704/880/784), first 100,000 hadronization events, 1 epoch, alternating (BENCHMARKS.md)
.PHONY: bench-precision
bench-precision: all
	d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && \
	bin/event-gen -s 1 -o $$d/full.csv --val-out $$d/v.csv hadronization && \
	head -100001 $$d/full.csv > $$d/t.csv && \
	bench/gan_precision.sh --train $$d/t.csv --val $$d/v.csv --out-cols theta,phi \
	  --cond-cols E,px,py,pz --epochs 1 --noise-dim 144 --batch-size 704 \
	  --gen-layersize 880 --disc-layersize 784
