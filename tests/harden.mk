# tests/harden.mk — the hardening harnesses (tests/README.md), included by the Makefile.
#   make test-asan   the whole suite on ASan + UBSan binaries, leaks detected (tests/asan-run)
#   make soak        the kill -9 soak alone (tests/soak.bats; make test runs it too)
.PHONY: test-asan soak
test-asan:
	@tests/asan-run
soak: all
	bats tests/soak.bats
