#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "toolkit/bootstraps/bootstraps.hpp"

namespace {

std::string source_of(const std::string& name) {
    std::ifstream file(std::string(OPTML_SOURCE_DIR) + "/python/src/optml_toolkit/_bootstrap/" +
                       name);
    REQUIRE(file);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("each bootstrap is its .py file, byte for byte") {
    CHECK(optml::bootstraps::framework_module() == source_of("framework_module.py"));
    CHECK(optml::bootstraps::tf_ps_server() == source_of("tf_ps_server.py"));
}
