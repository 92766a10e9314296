# One task runner. `make run` and `make test` are the README's two quick-start commands.
.PHONY: run test lint types bench format client

run:
	bash scripts/run

test:
	bash scripts/test

lint:
	bash scripts/setup-venv dev
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench

format:
	.venv/bin/ruff format src tests bench
	.venv/bin/ruff check --fix src tests bench

types:
	bash scripts/setup-venv dev
	.venv/bin/mypy

bench:
	bash scripts/bench $(BENCH)

# The OpenAPI document and the generated Python client (checked in; CI fails when they are stale).
client:
	bash scripts/gen-client
