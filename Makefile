# Cadence developer commands.  Everything runs from the uv-managed .venv.
VENV := .venv/bin

.PHONY: run test lint fmt messages bench

run:
	scripts/run

test:
	scripts/test

lint:
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy .

fmt:
	$(VENV)/ruff format .
	$(VENV)/ruff check --fix .

messages:
	$(VENV)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=bench --ignore=tests
	$(VENV)/python manage.py compilemessages --ignore=.venv

bench:
	$(VENV)/python bench/run.py $(BENCH_ARGS)
