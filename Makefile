# The two commands: `make run` runs the whole system with demo data, `make test` runs the suite.
# Both create the virtual environment on first use and start PostgreSQL and Redis if none answer.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test reset bench soak venv lock clean screenshots

$(STAMP): pyproject.toml requirements.lock
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/python -m deploy.devstack run

test: $(STAMP)
	$(VENV)/bin/python -m deploy.devstack test $(ARGS)

# Drop the demo database and load it afresh (stop `make run` first).
reset: $(STAMP)
	$(VENV)/bin/python -m deploy.devstack reset

# PNGs of the console's main pages (desktop and a 375 px phone) under .dev/screenshots/.
screenshots: $(STAMP)
	$(VENV)/bin/python -m deploy.devstack test tests/console -q

bench: $(STAMP)
	$(VENV)/bin/python -m bench $(ARGS)

# Re-pin the dependencies after changing pyproject.toml.
lock:
	$(VENV)/bin/pip freeze --exclude-editable | grep -v '^thidua' > requirements.lock

clean:
	rm -rf $(VENV) .dev

# A national day of conferences against every process, on loopback (bench/soak.py): SOAK_MINUTES
# (default 30), SOAK_CLUSTERS (40), SOAK_DELEGATES (60). Not part of `make test`.
soak: $(STAMP)
	$(VENV)/bin/python -m bench.soak
