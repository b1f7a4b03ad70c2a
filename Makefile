# The two commands of the README. Both set up everything they need on a fresh machine.
.PHONY: run test setup

run: setup
	.venv/bin/jiudi serve

test:
	scripts/test

setup:
	scripts/setup
