// Catch2 runner for SystemC tests: every binary that links libsystemc needs sc_main. SystemC
// errors become test failures through the exceptions the kernel throws for SC_REPORT_ERROR.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>

int sc_main(int argc, char** argv) { return Catch::Session().run(argc, argv); }
