# dpnode: thin wrapper around meson. `make run` and `make test` are the two
# commands a new user types (see README.md).
BUILD ?= build
MESON_OPTS ?=

.PHONY: all deps build run run-ovn test unit integration sanitizers fuzz bench clean format

all: build

deps:
	@./tools/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	@ninja -C $(BUILD)

run: build
	@./tools/sim-node.sh $(BUILD)

run-ovn: build
	@./tools/sim-node.sh $(BUILD) ovn

test: build
	@./tests/run.sh $(BUILD)

unit: build
	@./tests/run.sh $(BUILD) unit

integration: build
	@./tests/run.sh $(BUILD) integration

sanitizers: build
	@./tests/run.sh $(BUILD) sanitizers

# make fuzz [FUZZ_TIME=seconds per target] [FUZZ_TARGETS="fuzz_conf ..."]
FUZZ_TIME ?= 60
fuzz: deps
	@./tests/fuzz/run.sh $(BUILD)-fuzz fuzz $(FUZZ_TIME) $(FUZZ_TARGETS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-fuzz
