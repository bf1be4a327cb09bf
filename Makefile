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

# Under CI (CI set to anything but empty or false) the test command also runs every fuzz
# target for 30 s (CI must stay under 15 minutes: README): .ci/run runs exactly `make test`.
test: build
	@scripts/install-deps.sh test
	cd $(BUILD) && SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 ctest --output-on-failure -j $(JOBS)
	@if [ -n "$$CI" ] && [ "$$CI" != false ]; then $(MAKE) --no-print-directory fuzz FUZZ_SECONDS=30; fi

bench: build
	$(BUILD)/iovsim_micro_bench
	$(BUILD)/iovsim bench

# libFuzzer harnesses (fuzz/), built with clang and the sanitizers in build-fuzz, each run for
# FUZZ_SECONDS from its seed corpus (a copy: new inputs stay in build-fuzz). A finding (crash,
# leak, timeout, out-of-memory) fails the target; its reproducer is left in build-fuzz/.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := scenario rings regs pcap
fuzz:
	@scripts/install-deps.sh fuzz
	@cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DIOVSIM_FUZZ=ON -DIOVSIM_WERROR=OFF >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus/$$t && cp -n fuzz/corpus/$$t/* build-fuzz/corpus/$$t/ 2>/dev/null; \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  ( cd build-fuzz && ./fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=30 -print_final_stats=1 \
	      corpus/$$t > fuzz_$$t.log 2>&1 ); rc=$$?; \
	  grep -E "^stat::number_of_executed_units|^stat::new_units_added|ERROR|SUMMARY" build-fuzz/fuzz_$$t.log; \
	  if [ $$rc -ne 0 ]; then echo "fuzz_$$t: finding (exit $$rc), log build-fuzz/fuzz_$$t.log"; \
	    tail -n 40 build-fuzz/fuzz_$$t.log; exit 1; fi; \
	done

clean:
	rm -rf $(BUILD)
