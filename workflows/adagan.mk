# workflows/adagan.mk — make adagan STUDY=NAME [T=10] [FROM=final|focus|broad] [RULE=uniform|const:B]
# [EPOCHS=N] [RUNS=DIR]: an AdaGAN ensemble of T components on the best set of that phase, into
# RUNS/STUDY/adagan/ (workflows/adagan; resumable after kill -9).
.PHONY: adagan
adagan: all
	@test -n "$(STUDY)" || { echo "make adagan: give STUDY=NAME" >&2; exit 2; }
	T=$(or $(T),10) $(if $(FROM),FROM=$(FROM)) $(if $(RULE),RULE=$(RULE)) $(if $(EPOCHS),EPOCHS=$(EPOCHS)) \
	  $(if $(RUNS),RUNS=$(RUNS)) workflows/adagan study $(STUDY)
