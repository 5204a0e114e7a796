#include <catch2/catch.hpp>

#include "toolkit/system/environment.hpp"
#include "toolkit/system/executable_search.hpp"

using namespace optml;

TEST_CASE("executables are found on PATH like execvp") {
    CHECK(system::find_executable("sh", "/nonexistent:/bin") == std::filesystem::path("/bin/sh"));
    CHECK_FALSE(system::find_executable("no-such-tool-optml", "/bin:/usr/bin"));
    CHECK(system::find_executable("/bin/sh", "") == std::filesystem::path("/bin/sh"));
    CHECK_FALSE(system::find_executable("/dev/null", ""));
}

TEST_CASE("the program environment is train's, overridden") {
    system::EnvironmentSnapshot base(
        system::EnvironmentSnapshot::Variables{{"A", "1"}, {"B", "2"}});
    CHECK(system::merge_environment(base, {{"B", "3"}, {"C", "4"}}) ==
          std::vector<std::string>{"A=1", "B=3", "C=4"});
}
