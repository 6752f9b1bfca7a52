# The two commands: `make run` runs the whole system with demo data, `make test` runs the suite.
# Both create the virtual environment on first use and start PostgreSQL and Redis if none answer.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test bench venv lock clean screenshots

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
