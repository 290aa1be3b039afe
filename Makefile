# The two commands a new user needs:
#   make run    set everything up, then run the default scenario (Rasau Jaya)
#   make test   set everything up, then run the test suite
PY = $(shell bash tools/bootstrap.sh | tail -n 1)

.PHONY: setup run test lint bench bench-app
setup:
	@bash tools/bootstrap.sh >/dev/null

run: setup
	.venv/bin/ovopsim run scenarios/rasau_jaya.toml --out results/rasau_jaya --force

test: setup
	.venv/bin/python -m pytest

lint: setup
	.venv/bin/ruff check ovopsim tests benchmarks

bench: setup
	.venv/bin/python benchmarks/run.py

bench-app: setup
	.venv/bin/python benchmarks/app.py
