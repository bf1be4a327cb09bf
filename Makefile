# Thin wrapper: every target installs missing Debian packages, configures and builds.
BUILD ?= build
JOBS  ?= 2
BUILD_TYPE ?= Release

.PHONY: deps configure build run test bench clean

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/iovsim run

test: build
	cd $(BUILD) && SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD)/iovsim bench

clean:
	rm -rf $(BUILD)
