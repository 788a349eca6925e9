# export.mk — throughput of the tuned generator through libgantune, ONNX Runtime and gan-sample
# (bench/export.sh; BENCHMARKS.md "Deployment: libgantune and ONNX Runtime").
.PHONY: bench-export
bench: bench-export
build/lib_throughput: bench/lib_throughput.c include/gantune.h build/lib/libgantune.so
	$(CC) -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Iinclude -o $@ $< \
	  -Lbuild/lib -lgantune -Wl,-rpath,$(abspath build/lib)
bench-export: all build/lib_throughput
	bench/export.sh
