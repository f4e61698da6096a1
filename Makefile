# The README's two commands are scripts/demo and scripts/test; these are shortcuts beside them.
.PHONY: demo test bench

demo:
	scripts/demo

test:
	scripts/test

# Benchmarks against the peer tools (not run by CI): builds a release binary, installs the peers.
bench:
	scripts/ensure-deps
	swift build -c release --product altv-dev
	python3 bench/run.py
