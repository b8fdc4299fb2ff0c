# multiregion.serverless: the two commands are `make demo` (deploy to the local endpoint) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
BIN := $(VENV)/bin
# ansible-core 2.21 needs Python >= 3.12: the first one found wins.
PYTHON ?= $(firstword $(wildcard /root/.pyenv/versions/3.12.*/bin/python3.12 /root/.pyenv/versions/3.13.*/bin/python3.13) $(shell command -v python3.13 python3.12 2>/dev/null))
COLLECTION_LINK := $(VENV)/collections/ansible_collections/multiregion/serverless
# What the checkout's own tools produce (the demo's run output, molecule state, sanity tree, tarball, EE context) goes
# here, one folder per checkout, outside the collection: nothing is ever written inside the collection's folder.
OUT ?= $(HOME)/.cache/multiregion-serverless/checkouts/$(shell printf '%s' '$(ROOT)' | sha256sum | cut -c1-12)
export MULTIREGION_OUT := $(OUT)
# The endpoint `make demo` and `make endpoint` start: its pid, URL and log.
ENDPOINT_STATE := $(OUT)/local-endpoint.json
INVENTORY ?= inventories/local
export ANSIBLE_CONFIG := $(ROOT)/ansible.cfg
export PATH := $(BIN):$(PATH)
# Dummy credentials for the local endpoint only; the local inventory refuses any non-loopback endpoint.
LOCAL_AWS := AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing AWS_DEFAULT_REGION=eu-west-1

.PHONY: help venv demo endpoint endpoint-stop test e2e lint sanity unit integration molecule bench aws-check clean \
	build galaxy-import collection-docs ee-context

help:
	@echo "make demo     deploy every region to a local AWS-compatible endpoint and print a summary"
	@echo "make test     run every check: lint, sanity, unit, integration, molecule, Galaxy import, EE context"
	@echo "make build    build the collection tarball into $(OUT)/dist/"
	@echo "make bench    measure deploy and no-op run times against their lower bound"
	@echo "make aws-check INVENTORY=inventories/<yours>   opt-in: check-mode plan against a real AWS account"
	@echo "make clean    remove the virtualenv and build output"

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 is required (ansible-core 2.21); set PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(ROOT) $@

venv: $(BIN)/.installed $(COLLECTION_LINK)

endpoint: venv
	@$(BIN)/python tools/local_endpoint.py start --state $(ENDPOINT_STATE)

endpoint-stop:
	@test ! -x $(BIN)/python || $(BIN)/python tools/local_endpoint.py stop --state $(ENDPOINT_STATE)

# Deploys against the local endpoint, prints the summary and stops the endpoint, whatever happened.
demo: venv
	@url=$$($(BIN)/python tools/local_endpoint.py start --state $(ENDPOINT_STATE)); \
	trap '$(BIN)/python tools/local_endpoint.py stop --state $(ENDPOINT_STATE)' EXIT; \
	echo "Local AWS endpoint: $$url"; \
	export $(LOCAL_AWS) AWS_ENDPOINT_URL=$$url; \
	mkdir -p $(OUT)/demo; \
	(cd $(OUT)/demo && $(BIN)/ansible-playbook $(ROOT)/site.yml -i $(ROOT)/$(INVENTORY)); \
	$(BIN)/python tools/summary.py --inventory $(INVENTORY) --endpoint $$url \
	  --report-dir $(OUT)/demo/reports/$$(sed -n 's/^deployment_name: *//p' $(INVENTORY)/group_vars/all/deployment.yml)

test: venv lint sanity unit integration molecule galaxy-import collection-docs ee-context
	@echo "make test: every check passed"

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/yamllint -s .
	$(BIN)/python tools/role_docs.py --check
	$(BIN)/antsibull-changelog lint
	$(BIN)/ansible-lint

sanity: venv
	tools/sanity.sh

unit: venv
	$(BIN)/pytest -q -n 2 tests/unit roles/serverless_api/files/lambda/tests

integration: venv
	$(BIN)/pytest -q -n 2 -m "not e2e" tests/integration

# The whole-stack end-to-end runs beyond test_site: site.yml through a throttling proxy, interrupted runs, and the
# installed read-only collection. Each deploys the whole stack more than once: CI runs them after make test.
e2e: venv
	$(BIN)/pytest -q -n 2 -m e2e tests/integration

# Each scenario runs with an ephemeral directory of its own inside this checkout, emptied first (its endpoint, if a
# stopped run left one, is stopped): a run that was killed, here or in another clone, never leaves state that the
# next run picks up. Molecule's default directory (~/.ansible/tmp/molecule.<hash>.<scenario>) is shared by every
# checkout on the machine.
MOLECULE_STATE := $(OUT)/molecule
MOLECULE_SCENARIOS ?= $(sort $(notdir $(patsubst %/molecule.yml,%,$(wildcard extensions/molecule/*/molecule.yml))))

molecule: venv
	@for scenario in $(MOLECULE_SCENARIOS); do \
	  dir=$(MOLECULE_STATE)/$$scenario; \
	  test ! -f $$dir/endpoint.json || $(BIN)/python tools/local_endpoint.py stop --state $$dir/endpoint.json; \
	  rm -rf $$dir && mkdir -p $$dir; \
	  echo "== molecule scenario $$scenario"; \
	  (cd extensions && MOLECULE_EPHEMERAL_DIRECTORY=$$dir $(BIN)/molecule test -s $$scenario) || exit 1; \
	done

bench: venv
	$(BIN)/python bench/bench.py

# The collection as Galaxy receives it: the tarball, Galaxy's importer (offline: ansible-doc on every plugin and
# ansible-lint on; ansible-test off, `make sanity` runs it), antsibull-docs' lint of the plugin docs, and the
# execution environment's build context. Galaxy's tools live in a virtualenv of their own (requirements-galaxy.txt).
# Outside the checkout: antsibull-docs copies each dependency (amazon.aws, from this virtualenv's site-packages) with
# `git ls-files` when it sits inside a git work tree, which copies nothing from an ignored .venv.
GALAXY_VENV ?= $(HOME)/.cache/multiregion-serverless/venv-galaxy
DIST := $(OUT)/dist
TARBALL := $(DIST)/multiregion-serverless-$(shell sed -n 's/^version: *//p' galaxy.yml).tar.gz

$(GALAXY_VENV)/.installed: requirements-galaxy.txt
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 is required (ansible-core 2.21); set PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(GALAXY_VENV)
	$(GALAXY_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(GALAXY_VENV)/bin/python -m pip install --quiet -r requirements-galaxy.txt
	touch $@

build: venv
	rm -rf $(DIST) && mkdir -p $(DIST)
	$(BIN)/ansible-galaxy collection build --output-path $(DIST) .

# galaxy-importer logs ansible-lint's findings as warnings (file:line: rule) and still succeeds: here any ERROR or
# lint finding fails. (Its other warning, about tests/sanity/ignore-*.txt, is informational: `make sanity` runs.)
galaxy-import: build $(GALAXY_VENV)/.installed
	cd $(DIST) && env -u ANSIBLE_CONFIG GALAXY_IMPORTER_CONFIG=$(ROOT)/tools/galaxy/galaxy-importer.cfg \
	  PATH=$(GALAXY_VENV)/bin:$$PATH $(GALAXY_VENV)/bin/python -m galaxy_importer.main $(TARBALL) > $(DIST)/galaxy-importer.log 2>&1 \
	  || { cat $(DIST)/galaxy-importer.log; exit 1; }
	@# galaxy-importer gives ansible-lint 180 s; on a busy machine it times out. Then its exact lint call runs again here
	@# on the extracted tarball, without the time limit, and its findings count.
	@if grep -q '^ERROR: Timeout on call to ansible-lint' $(DIST)/galaxy-importer.log; then \
	  echo "galaxy-importer: ansible-lint timed out; running galaxy-importer's ansible-lint call without the limit"; \
	  sed -i '/^ERROR: Timeout on call to ansible-lint/d' $(DIST)/galaxy-importer.log; \
	  tree=$(DIST)/lint/ansible_collections/multiregion/serverless; rm -rf $(DIST)/lint && mkdir -p $$tree; \
	  tar xzf $(TARBALL) -C $$tree; \
	  (cd $$tree && env -u ANSIBLE_CONFIG ANSIBLE_COLLECTIONS_PATH=$(DIST)/lint PATH=$(GALAXY_VENV)/bin:$$PATH \
	    ansible-lint --profile production --exclude tests/integration/ --exclude tests/unit/ --format=pep8 --nocolor \
	    -x yaml,var-naming,avoid-dot-notation,import-task-no-when,single-entry-point,use-loop --offline) \
	    || { echo "galaxy-importer's ansible-lint call failed"; exit 1; }; \
	fi
	@! grep -E '^(ERROR|WARNING: [^ ]+:[0-9]+)' $(DIST)/galaxy-importer.log \
	  || { echo "galaxy-importer: see $(DIST)/galaxy-importer.log"; exit 1; }
	@echo "galaxy-importer: $(TARBALL) imports cleanly"

collection-docs: venv $(GALAXY_VENV)/.installed
	cd $(dir $(COLLECTION_LINK)) && env -u ANSIBLE_CONFIG ANSIBLE_COLLECTIONS_PATH=$(VENV)/collections \
	  PATH=$(GALAXY_VENV)/bin:$$PATH $(GALAXY_VENV)/bin/antsibull-docs lint-collection-docs --plugin-docs serverless

ee-context: build
	@# execution-environment.yml names the tarball relative to itself: a copy of it sits beside the tarball.
	rm -rf $(OUT)/ee && mkdir -p $(OUT)/ee/.build/ee
	cp execution-environment.yml $(OUT)/ee/
	cp $(TARBALL) $(OUT)/ee/.build/ee/multiregion-serverless.tar.gz
	$(BIN)/ansible-builder create --file $(OUT)/ee/execution-environment.yml --context $(OUT)/ee/context

# Opt-in, against a real account: plan (check mode, diff) with the standard AWS credential chain.
#   make aws-check INVENTORY=inventories/<yours>
aws-check: venv
	@test "$(INVENTORY)" != "inventories/local" || { echo "aws-check needs INVENTORY=inventories/<yours> (not the local one)"; exit 2; }
	@env -u AWS_ENDPOINT_URL $(BIN)/python -c 'import boto3; boto3.client("sts").get_caller_identity()' \
	  || { echo "aws-check needs AWS credentials (AWS_PROFILE, environment or instance role)"; exit 2; }
	env -u AWS_ENDPOINT_URL $(BIN)/ansible-playbook site.yml -i $(INVENTORY) --check --diff

clean: endpoint-stop
	rm -rf $(VENV) $(GALAXY_VENV) $(OUT) .build .pytest_cache .ruff_cache reports bench/results
