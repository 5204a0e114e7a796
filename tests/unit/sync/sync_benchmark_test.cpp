#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "toolkit/sync/intermediate_sync.hpp"

using namespace optml;
namespace fs = std::filesystem;

// Not a test: the intermediate-upload half of bench/s3_benchmark.py, hidden from normal runs
// by the [.] tag. It copies OPTML_BENCH_SOURCE into a fresh watched folder while the sync
// runs (as a training program would write it), then finishes, and prints the seconds taken.
TEST_CASE("benchmark: intermediate upload of a folder", "[.benchmark]") {
    const char* source = std::getenv("OPTML_BENCH_SOURCE");
    const char* folder = std::getenv("OPTML_BENCH_FOLDER");
    const char* prefix = std::getenv("OPTML_BENCH_PREFIX");  // bucket/key-prefix
    REQUIRE(source != nullptr);
    REQUIRE(folder != nullptr);
    REQUIRE(prefix != nullptr);
    const system::EnvironmentSnapshot environment = system::EnvironmentSnapshot::from_process();
    const auto destination = s3::parse_s3_uri(std::string("s3://") + prefix);
    REQUIRE(destination.has_value());

    const auto started = std::chrono::steady_clock::now();
    sync::IntermediateSync sync(folder, *destination,
                                s3::client_options_from_environment(environment),
                                std::make_shared<s3::CredentialsProvider>(environment));
    fs::copy(source, folder, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    sync.finish();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const sync::SyncTotals totals = sync.totals();
    CHECK(totals.failed == 0);
    std::cout << "OPTML_BENCH_RESULT seconds=" << seconds << " bytes=" << totals.bytes
              << " files=" << totals.uploaded << std::endl;
}
