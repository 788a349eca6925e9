# transforms.mk — log(pT) + tail cut against none on dimuon events (bench/transforms.sh).
.PHONY: bench-transforms
bench: bench-transforms
bench-transforms: all
	bench/transforms.sh
