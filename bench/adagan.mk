# adagan.mk — the AdaGAN toy (bench/adagan.sh): modes covered and bad events on 8 Gaussians on a
# ring, one GAN vs a uniform mix of T GANs vs AdaGAN ensembles, same total epochs.
.PHONY: bench-adagan
bench-adagan: all
	bench/adagan.sh

# bench/adagan-physics.sh: on a physics study (STUDY=hadronization) at equal total epochs, the
# AdaGAN ensemble vs one `make final` model vs the uniform mix of independent models (W1, AUC,
# tail W1); runs the quick-start broad search and a final phase first unless RUNS= has one.
.PHONY: bench-adagan-physics
bench-adagan-physics: all
	bench/adagan-physics.sh
