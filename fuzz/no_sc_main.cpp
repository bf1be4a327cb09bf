// libsystemc refers to sc_main; under libFuzzer main() is the fuzzer's and this is never called.
extern "C" int sc_main(int, char**) { return 0; }
