# bench/anp.mk — the ANP benchmark (the study's Fig. 12 on the stand-in workload).
.PHONY: bench-anp
bench: bench-anp
bench-anp: all
	bench/anp-fig12
