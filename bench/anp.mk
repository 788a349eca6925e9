# bench/anp.mk — the ANP benchmark (the study's Fig. 12 on the stand-in workload).
.PHONY: bench-anp
bench: bench-anp
bench-anp: all
	bench/anp-fig12

# pruning (issue 15): the rule replayed on a finished unpruned run's logs, and the live benchmark
build/prune_replay: bench/prune_replay.c build/libgantune.a | build
	$(CC) $(CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< build/libgantune.a $(LDLIBS)
.PHONY: bench-prune
bench-prune: all build/prune_replay
	bench/prune-bench
