# calo.mk — issue 19: the convolutions against direct loops (bench/conv.c) and event-gen calo's
# showers per second; figures in BENCHMARKS.md.
.PHONY: bench-conv bench-calo
build/bench_conv: bench/conv.c build/libgantune.a | build
	$(CC) $(CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< build/libgantune.a $(LDLIBS)
bench-conv: build/bench_conv
	OPENBLAS_NUM_THREADS=1 build/bench_conv
bench-calo: all
	bench/calo.sh
bench: bench-conv bench-calo
# gan-train --model calo against the PyTorch reference (bench/torch_calogan.py), two sizes
.PHONY: bench-calogan
bench-calogan: all
	bench/torch_calogan.sh
