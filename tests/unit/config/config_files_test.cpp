#include <unistd.h>
#include <catch2/catch.hpp>

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
