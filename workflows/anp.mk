# workflows/anp.mk — the search workflows (workflows/anp). Settings are environment or make
# variables: STUDY PHASE ID TRIAL EVENTS EPOCHS BUDGET TRIALS ARCH_SLOTS THREADS HOSTS TRAINER
# METHOD SEED KAPPA N_INIT RUNS DATA VAL_FRACTION SPLIT_SEED OUT_COLS COND_COLS TRAIN VAL FOCUS_FROM EPS_<hp> FINAL_N PRUNE PRUNE_ETA PRUNE_RUNGS
# PRUNE_MIN PRUNE_Z ESTIMATE_SETS ESTIMATE_STEPS TRANSFORM TAIL_CUT TAIL_COLS SCALE_RANGE UNITS (see README, Workflows).
STUDY ?= hadronization
PHASE ?= broad
.PHONY: broad focus final trial estimate
broad focus final: all
	workflows/anp $@ $(STUDY)
trial: all
	@test -n "$(ID)" && test -n "$(TRIAL)" || { echo "usage: make trial STUDY=... PHASE=... ID=... TRIAL=..." >&2; exit 2; }
	workflows/anp rerun $(or $(RUNS),runs)/$(STUDY)/$(PHASE) $(ID) $(TRIAL)
estimate: all
	workflows/anp estimate $(STUDY)
