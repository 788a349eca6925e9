# bench/hpo-real.mk — the real-job optimizer benchmark of issue 22 (bench/hpo-real): gantune's
# broad search against Optuna's TPE and random search driving gan-train itself, every pick
# retrained with fresh seeds. Hours on two cores: HPO_REAL_SEEDS=5 HPO_REAL_BUDGET=20 by
# default; HPO_REAL_STUDY=dimuon for the other study; resumable (bench/out/hpo-real).
HPO_REAL_SEEDS ?= 5
HPO_REAL_BUDGET ?= 20
HPO_REAL_STUDY ?= hadronization
HPO_REAL_METHODS ?= gantune,tpe,random
.PHONY: bench-hpo-real
bench: bench-hpo-real
bench-hpo-real: all
	bench/hpo-real $(HPO_REAL_SEEDS) $(HPO_REAL_BUDGET) $(HPO_REAL_STUDY) $(HPO_REAL_METHODS)
# The same searches on a surrogate of the dimuon job (bench/hpo-sim: gan-train replaced by a GP
# fitted to the real searches' 600 sets): many search seeds in minutes, for judging optimizer
# settings before they are tried on the job. About 15 min on two cores.
HPO_SIM_SEEDS ?= 12
HPO_SIM_BUDGET ?= 20
.PHONY: bench-hpo-sim
bench: bench-hpo-sim
bench-hpo-sim: all
	bench/hpo-sim $(HPO_SIM_SEEDS) $(HPO_SIM_BUDGET)
