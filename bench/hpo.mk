# bench/hpo.mk — the optimizer benchmark of issue 4 (surrogate-propose vs Optuna's TPE and
# random search on the noisy test functions of ../shared/bench/testfuncs.py). About 30 min on
# two cores; HPO_RUNS=5 for a quick look.
HPO_RUNS ?= 20
.PHONY: bench-hpo
bench: bench-hpo
bench-hpo: all
	bench/hpo-vs-tpe $(HPO_RUNS) 100 rbf,gp
