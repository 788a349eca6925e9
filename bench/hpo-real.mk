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
