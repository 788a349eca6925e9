# bench-data: wd-score vs scipy and event-gen throughput (bench/data.sh); figures in BENCHMARKS.md.
.PHONY: bench-data
bench: bench-data
bench-data: all
	bench/data.sh
