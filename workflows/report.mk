# make report STUDY=NAME [PHASE=broad|focus|final] [RUNS=DIR] [COMPARE="DIR..."] [REPORT_FLAGS=...]
# Draws RUNS/STUDY/PHASE/report/ with hpo-report. STUDY, PHASE and RUNS default as for make broad
# (workflows/anp.mk: hadronization, broad, runs/); an empty PHASE= reports every phase that has
# run. COMPARE adds run directories (other methods, repeated seeds) side by side with the first;
# REPORT_FLAGS passes options (--color-by HP, --threshold W). gan-sample and surrogate-propose
# come from bin/.
.PHONY: report
report: bin/hpo-report
	@test -n "$(STUDY)" || { echo "make report: give STUDY=NAME (e.g. make report STUDY=hadronization)" >&2; exit 2; }
	@phases="$(or $(PHASE),broad focus final)"; done=0; \
	for p in $$phases; do \
	  d=$(or $(RUNS),runs)/$(STUDY)/$$p; \
	  if [ -f $$d/history.csv ]; then \
	    PATH="$(CURDIR)/bin:$$PATH" bin/hpo-report $$d $(COMPARE) $(REPORT_FLAGS) || exit $$?; done=1; \
	  elif [ -n "$(PHASE)" ]; then echo "make report: $$d/history.csv not found (run make $$p STUDY=$(STUDY) first)" >&2; exit 1; fi; \
	done; \
	[ $$done = 1 ] || { echo "make report: no run under $(or $(RUNS),runs)/$(STUDY)/ yet" >&2; exit 1; }
