# make demo — a quick real run for the README's quick start until the search workflow lands:
# generate a small hadronization sample (train + validation split) and score the validation
# split against training with wd-score, in the study's [-1, 1] units. Output under runs/demo/.
.PHONY: demo
DEMO_DIR := runs/demo
demo: all
	@mkdir -p $(DEMO_DIR)
	bin/event-gen hadronization --events 60000 --val 5000 --seed 1 \
	  -o $(DEMO_DIR)/train.csv.gz --val-out $(DEMO_DIR)/val.csv
	@echo "W1 of the validation split against training (min-max scaled on training):"
	bin/wd-score --cols theta,phi --scale-from $(DEMO_DIR)/train.csv.gz \
	  -o $(DEMO_DIR)/wd.csv $(DEMO_DIR)/val.csv $(DEMO_DIR)/train.csv.gz
	@cat $(DEMO_DIR)/wd.csv
