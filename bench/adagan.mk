# adagan.mk — the AdaGAN toy (bench/adagan.sh): modes covered and bad events on 8 Gaussians on a
# ring, one GAN vs a uniform mix of T GANs vs AdaGAN ensembles, same total epochs.
.PHONY: bench-adagan
bench-adagan: all
	bench/adagan.sh
