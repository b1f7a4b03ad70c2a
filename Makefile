# The two commands of the README. Both set up everything they need on a fresh machine.
.PHONY: run test setup screenshots

run: setup
	.venv/bin/jiudi serve

test:
	scripts/test

setup:
	scripts/setup

# Refresh the committed page screenshots in docs/screenshots/ (a plain test run writes them to build/screenshots/).
screenshots:
	scripts/setup --test
	JIUDI_UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest -q tests/pages
