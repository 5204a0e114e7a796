#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "toolkit/config/config_files.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/pyjson/python_text.hpp"

using namespace optml;

namespace {

struct TempFile {
    std::filesystem::path path;
    explicit TempFile(const std::string& contents) {
        path = std::filesystem::temp_directory_path() /
               ("optml-config-" + std::to_string(::getpid()) + "-" +
                std::to_string(reinterpret_cast<std::uintptr_t>(this)) + "-resourceconfig.json");
        std::ofstream(path, std::ios::binary) << contents;
    }
    ~TempFile() { std::filesystem::remove(path); }
};

std::string read_error(const std::filesystem::path& path) {
    try {
        config::read_config_object(path);
    } catch (const errors::Error& error) {
        CHECK(error.kind() == errors::ErrorKind::Configuration);
        return error.what();
    }
    FAIL("expected an error");
    return "";
}

}  // namespace

TEST_CASE("a config file must exist, be JSON and hold an object") {
    CHECK_THAT(read_error("/nonexistent/hyperparameters.json"),
               Catch::Contains("hyperparameters.json") && Catch::Contains("does not exist"));
    TempFile empty("");
    CHECK_THAT(read_error(empty.path), Catch::Contains("resourceconfig.json") &&
                                           Catch::Contains("not valid JSON") &&
                                           Catch::Contains("line 1 column 1"));
    TempFile single_quotes("{'train': {}}");
    CHECK_THAT(read_error(single_quotes.path), Catch::Contains("not valid JSON"));
    TempFile list("[1]");
    CHECK_THAT(read_error(list.path), Catch::Contains("JSON object") && Catch::Contains("list"));
    TempFile good(R"({"b": 1, "a": 2})");
    auto dict = config::read_config_object(good.path);
    CHECK(dict.begin()->first == "b");
}

namespace {

struct TempFolder {
    std::filesystem::path path;
    TempFolder() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "optml-config-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~TempFolder() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("only a regular file is read: a FIFO or device fails at once, naming the file") {
    TempFolder folder;
    const auto fifo = folder.path / "hyperparameters.json";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK_THAT(read_error(fifo),
               Catch::Contains("hyperparameters.json") && Catch::Contains("not a regular file"));
    const auto zero_link = folder.path / "resourceconfig.json";
    std::filesystem::create_symlink("/dev/zero", zero_link);
    CHECK_THAT(read_error(zero_link),
               Catch::Contains("resourceconfig.json") && Catch::Contains("not a regular file"));
    const auto directory = folder.path / "inputdataconfig.json";
    std::filesystem::create_directory(directory);
    CHECK_THAT(read_error(directory), Catch::Contains("is a directory"));
}

TEST_CASE("a config file over the size bound is refused with its size and the limit") {
    TempFolder folder;
    const auto huge = folder.path / "inputdataconfig.json";
    std::ofstream(huge).put('{');
    // Sparse: no disk or memory is spent on the 65 MiB.
    std::filesystem::resize_file(huge, (64ull << 20) + 1);
    CHECK_THAT(read_error(huge), Catch::Contains("inputdataconfig.json") &&
                                     Catch::Contains("67108865 bytes") &&
                                     Catch::Contains("64 MiB"));
}
