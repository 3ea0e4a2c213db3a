# One command sets up and launches the page (`make app`), one sets up and runs every test (`make test`).
# Needs only python3 (with venv) on the machine; everything else goes into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP_PORT ?= 8866
# Where the page listens: loopback unless a proxy or the officers' network needs another address (docs/deploy.md).
APP_HOST ?= 127.0.0.1
# Header naming the signed-in officer, set by the proxy (e.g. X-Forwarded-User); empty = one local user.
APP_USER_HEADER ?=
# Pre-heated kernels waiting for the next officer; empty = voila.json's default_pool_size.
POOL_SIZE ?=
API_PORT ?= 5001
# The model-risk view (monitor.ipynb): its own port, the same voila.json as the page.
MONITOR_PORT ?= 8867

.PHONY: app monitor api check test lock setup setup-test browser postgres nginx clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Every install takes requirements.lock as constraints: the versions the project is tested with (make lock).
$(VENV)/.app-installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e '.[page]'
	touch $@

$(VENV)/.api-installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e '.[api]'
	touch $@

$(VENV)/.monitor-installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e '.[page,api]'
	touch $@

$(VENV)/.test-installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

setup: $(VENV)/.app-installed

setup-test: $(VENV)/.test-installed

app: setup
	@# the client base is summarised once per (model, data) and cached beside the model: do it before serving
	$(BIN)/python -c "from credit_widgets import CreditModel; CreditModel.load()"
	@# voila.json (read from this folder) sets the template, the pool, idle-kernel culling and what is served
	@# APP_USER_HEADER: the header the authenticating proxy sets (deploy/nginx/); Voilà hands it to the kernel
	APP_USER_HEADER="$(APP_USER_HEADER)" JUPYTER_PATH="$(CURDIR)/share/jupyter" $(BIN)/voila app.ipynb \
		--port=$(APP_PORT) --Voila.ip=$(APP_HOST) $(if $(POOL_SIZE),--VoilaConfiguration.default_pool_size=$(POOL_SIZE)) \
		$(if $(APP_USER_HEADER),--VoilaConfiguration.http_header_envs="['$(APP_USER_HEADER)']")

monitor: $(VENV)/.monitor-installed
	@# the log is CREDIT_AUDIT_LOG, else the demo month (generated once); the training reference is cached first
	@if [ -z "$$CREDIT_AUDIT_LOG" ] && [ ! -f audit/demo.sqlite ]; then \
		$(BIN)/python -m credit_widgets.monitor.activity --out audit/demo.sqlite; fi
	$(BIN)/python -c "from credit_widgets import monitor; monitor.reference()"
	JUPYTER_PATH="$(CURDIR)/share/jupyter" $(BIN)/voila monitor.ipynb --port=$(MONITOR_PORT) \
		--Voila.ip=$(APP_HOST) $(if $(POOL_SIZE),--VoilaConfiguration.default_pool_size=$(POOL_SIZE))

api: $(VENV)/.api-installed
	PATH="$(CURDIR)/$(BIN):$$PATH" MLFLOW_DISABLE_TELEMETRY=true $(BIN)/mlflow models serve -m models --env-manager local -h 127.0.0.1 -p $(API_PORT)

# The lint, the import contracts and the unit tier: no server, no browser, no port (docs/architecture.md).
check: setup-test
	@# the lint first: a seconds-long check that spares a long run (rules and exceptions in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	MLFLOW_DISABLE_TELEMETRY=true $(BIN)/python -m pytest tests/unit

# Everything: the same checks, then both tiers (tests/system starts browsers, Voila, PostgreSQL, nginx, Spark).
test: setup-test browser postgres nginx
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	MLFLOW_DISABLE_TELEMETRY=true $(BIN)/python -m pytest

# The browser tests drive Debian's Chromium (never `playwright install`: it downloads its own browser).
CHROMIUM := /usr/bin/chromium

browser: $(CHROMIUM)

$(CHROMIUM):
	@if [ "$$(id -u)" -eq 0 ]; then sudo=; elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
	else echo "$(CHROMIUM) is missing: install Debian's chromium as root (apt-get install chromium)" >&2; exit 1; fi; \
	$$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

# The shared audit log's tests start a throw-away cluster of Debian's PostgreSQL server (tests/system/test_audit_pg.py);
# the officers' proxy test starts Debian's nginx (deploy/nginx/). Neither is left running as a service.
APT_INSTALL = if [ "$$(id -u)" -eq 0 ]; then sudo=; elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
	else echo "$(1) is missing: install Debian's $(1) as root (apt-get install $(1))" >&2; exit 1; fi; \
	$$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $(1)

postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(call APT_INSTALL,postgresql); }

nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { $(call APT_INSTALL,nginx-light); }

# The lock (every extra) and the files written from it; uv keeps the versions already locked unless told to upgrade.
lock: setup-test
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --all-extras --python-version 3.11.7 --no-header --annotation-style line \
		-o requirements.lock
	@# Binder: the core and the page's door only, at the lock's versions
	$(BIN)/uv pip compile pyproject.toml --extra page --python-version 3.11.7 -c requirements.lock --no-header \
		--no-annotate -o binder/requirements.txt.new
	{ echo "# Binder (repo2docker) installs these before copying the repository; postBuild then installs the project."; \
	  echo "# Written by \`make lock\` from requirements.lock: the core and the page's door ([page]), at the lock's versions."; \
	  grep -v '^-c' binder/requirements.txt.new; } > binder/requirements.txt && rm binder/requirements.txt.new
	$(BIN)/python -m tools.lockfiles

# What the project makes: the venv, caches, the model's client-base cache, MLflow stores, audit logs, test artefacts.
clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache .import_linter_cache mlflow.db mlflow.db-journal mlruns mlartifacts \
		models/cache audit test-artifacts credit_widgets.egg-info benchmarks/results/*.tmp
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
