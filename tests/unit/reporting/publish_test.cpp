#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "toolkit/errors/error.hpp"
#include "toolkit/reporting/verdict.hpp"

using namespace optml;
namespace fs = std::filesystem;

namespace {

struct TemporaryDir {
    fs::path path =
        fs::temp_directory_path() / ("optml-publish-test-" + std::to_string(::getpid()));
    TemporaryDir() {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TemporaryDir() { fs::remove_all(path); }
};

reporting::Verdict failed() {
    return reporting::verdict_for_error(errors::Error(errors::ErrorKind::Configuration, "why"));
}

std::string read(const fs::path& file) {
    std::stringstream text;
    text << std::ifstream(file).rdbuf();
    return text.str();
}

// Status files and nothing else: no temporary file may be left behind.
std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST_CASE("publish writes the failure text and leaves no temporary file") {
    TemporaryDir dir;
    REQUIRE(reporting::publish(dir.path / "output", failed()));
    CHECK(read(dir.path / "output" / "failure") == "ConfigurationError:\nwhy");
    CHECK(entries(dir.path / "output") == std::vector<std::string>{"failure"});
}

TEST_CASE("publish never follows a symlinked output/") {
    TemporaryDir dir;
    fs::create_directories(dir.path / "elsewhere");
    fs::create_directory_symlink(dir.path / "elsewhere", dir.path / "output");
    CHECK_FALSE(reporting::publish(dir.path / "output", failed()));
    CHECK_FALSE(reporting::publish(dir.path / "output", reporting::success()));
    CHECK(fs::is_empty(dir.path / "elsewhere"));
}

TEST_CASE("publish replaces a symlinked status file instead of writing through it") {
    TemporaryDir dir;
    fs::create_directories(dir.path / "output");
    std::ofstream(dir.path / "target") << "untouched";
    fs::create_symlink(dir.path / "target", dir.path / "output" / "success");
    fs::create_symlink(dir.path / "target", dir.path / "output" / "failure");
    REQUIRE(reporting::publish(dir.path / "output", reporting::success()));
    REQUIRE(reporting::publish(dir.path / "output", failed()));
    CHECK(read(dir.path / "target") == "untouched");
    CHECK(fs::is_regular_file(fs::symlink_status(dir.path / "output" / "success")));
    CHECK(read(dir.path / "output" / "failure") == "ConfigurationError:\nwhy");
}

TEST_CASE("a planted temporary name is neither followed nor left behind") {
    TemporaryDir dir;
    fs::create_directories(dir.path / "output");
    std::ofstream(dir.path / "target") << "untouched";
    const std::string temporary = "failure." + std::to_string(::getpid()) + ".optml-tmp";
    fs::create_symlink(dir.path / "target", dir.path / "output" / temporary);
    REQUIRE(reporting::publish(dir.path / "output", failed()));
    CHECK(read(dir.path / "target") == "untouched");
    CHECK(entries(dir.path / "output") == std::vector<std::string>{"failure"});
}

TEST_CASE("output/ that is a file, or a failure that is a folder, fails without leftovers") {
    TemporaryDir dir;
    std::ofstream(dir.path / "output") << "not a folder";
    CHECK_FALSE(reporting::publish(dir.path / "output", failed()));
    CHECK(read(dir.path / "output") == "not a folder");

    fs::remove(dir.path / "output");
    fs::create_directories(dir.path / "output" / "failure");
    CHECK_FALSE(reporting::publish(dir.path / "output", failed()));
    CHECK(entries(dir.path / "output") == std::vector<std::string>{"failure"});
    CHECK(fs::is_directory(dir.path / "output" / "failure"));
}
