// libsystemc refers to sc_main; in the fuzzers (main() is libFuzzer's) and the micro-benchmarks
// (main() is Google Benchmark's) it is never called.
extern "C" int sc_main(int, char**) { return 0; }
