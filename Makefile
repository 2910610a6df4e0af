# Two commands: `make run` and `make test`. Both install what is missing (Debian 12 packages,
# as root), build, then run. See README.md.

SHELL := /bin/bash
BUILD_DIR ?= build
DATA_DIR ?= ./var/siem
JOBS ?= 2
BUILD_TYPE ?= RelWithDebInfo
# ccache: relative paths and no cwd in the hash, so a fresh clone in another folder (CI)
# reuses the cache.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true
# CI builds with -Werror.
WERROR := $(if $(filter true,$(CI)),ON,OFF)

DEB_PACKAGES := build-essential cmake ccache pkg-config git \
  librdkafka-dev librelp-dev libre2-dev librocksdb-dev libzstd-dev zlib1g-dev libsimdjson-dev libyaml-cpp-dev nlohmann-json3-dev \
  libboost-dev libboost-system-dev libboost-test-dev libssl-dev libsodium-dev libgoogle-perftools-dev \
  bsdutils curl python3 procps kcat openssl

.PHONY: all deps build run test test-asan fuzz clean help
FUZZ_SECONDS ?= 30
FUZZ_PACKAGES := clang-14 libclang-rt-14-dev

all: build

help:
	@echo "make deps      install the Debian packages the engine needs (as root)"
	@echo "make build     Release build with debug info -> $(BUILD_DIR)/siem"
	@echo "make run       deps + build + start the engine on embedded defaults with the sample logs"
	@echo "make test      deps + build + the whole test suite (ctest)"
	@echo "make test-asan the unit and golden tests under ASan+UBSan (build-asan/)"
	@echo "make fuzz      build the libFuzzer targets (clang-14) and run each FUZZ_SECONDS (30)"

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "deps: installing:" $$missing; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; \
	else \
	  echo "deps: missing packages; run as root:"; \
	  echo "  apt-get update && apt-get install -y --no-install-recommends $$missing"; \
	  exit 1; \
	fi

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DSIEM_WERROR=$(WERROR)

build: $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)

run: deps
	@$(MAKE) --no-print-directory build
	./$(BUILD_DIR)/siem run --demo --data $(DATA_DIR)

test: deps
	@$(MAKE) --no-print-directory build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j$(JOBS)

test-asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSIEM_SANITIZE=address,undefined \
	  -DSIEM_WERROR=$(WERROR)
	cmake --build build-asan -j$(JOBS)
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
	  ctest --test-dir build-asan --output-on-failure -j$(JOBS) -L 'unit|golden'

fuzz: deps
	@missing=$$(for p in $(FUZZ_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	  else echo "fuzz: run as root: apt-get install -y $$missing"; exit 1; fi; \
	fi
	cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIEM_FUZZ=ON
	cmake --build build-fuzz -j$(JOBS)
	bash tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD_DIR) build-asan build-fuzz
