# The README's two commands are scripts/demo and scripts/test; these are shortcuts beside them.
.PHONY: demo test bench fuzz dist dist-check

demo:
	scripts/demo

test:
	scripts/test

# Benchmarks against the peer tools (not run by CI): builds a release binary (and the static one
# `make dist` ships, for its memory), installs the peers.
bench:
	scripts/ensure-deps
	swift build -c release --product altv-dev
	swift build -c release --static-swift-stdlib --product altv-dev --scratch-path .build/static
	python3 bench/run.py

# libFuzzer + AddressSanitizer on the TOML parser (not run by CI): make fuzz FUZZ_SECONDS=3600
FUZZ_SECONDS ?= 300
fuzz:
	scripts/fuzz $(FUZZ_SECONDS)

# What users install without a Swift toolchain: tarball, .deb, npm package (see scripts/dist).
dist:
	scripts/dist

# Installs the .deb into a minimal Debian root made by debootstrap (no Swift there) and runs the
# loop on the simulators inside it; also the tarball. Minutes; not run by CI.
dist-check: dist
	scripts/dist-check
