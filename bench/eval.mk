# eval.mk — gan-eval's speed on 1,000,000 against 100,000 events (bench/eval.sh; BENCHMARKS.md).
.PHONY: bench-eval
bench: bench-eval
bench-eval: all
	bench/eval.sh
