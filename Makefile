# Thin wrapper: every target installs missing Debian packages, configures and builds.
BUILD ?= build
JOBS  ?= 2
BUILD_TYPE ?= Release

.PHONY: deps configure build run test bench fuzz clean

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

# libFuzzer harnesses (fuzz/), built with clang and the sanitizers in build-fuzz, each run for
# FUZZ_SECONDS from its seed corpus (a copy: new inputs stay in build-fuzz).
FUZZ_SECONDS ?= 60
fuzz: deps
	@cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
	  -DIOVSIM_FUZZ=ON -DIOVSIM_WERROR=OFF >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzz_scenario fuzz_rings fuzz_regs
	@for t in scenario rings regs; do \
	  mkdir -p build-fuzz/corpus/$$t && cp -n fuzz/corpus/$$t/* build-fuzz/corpus/$$t/ 2>/dev/null; \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 build-fuzz/corpus/$$t \
	    2>&1 | grep -E "^stat::number_of_executed_units|^stat::new_units_added|ERROR|SUMMARY|Done" || exit 1; \
	done

clean:
	rm -rf $(BUILD)
