#include <catch2/catch.hpp>

#include "toolkit/config/python_values.hpp"
#include "toolkit/pyjson/python_text.hpp"

using namespace optml;

TEST_CASE("parse_python_int follows int()") {
    CHECK(config::parse_python_int("10") == 10);
    CHECK(config::parse_python_int(" -7\n") == -7);
    CHECK(config::parse_python_int("+1_000") == 1000);
    CHECK_FALSE(config::parse_python_int("1__0"));
    CHECK_FALSE(config::parse_python_int("_1"));
    CHECK_FALSE(config::parse_python_int("1.5"));
    CHECK_FALSE(config::parse_python_int(""));
    CHECK_FALSE(config::parse_python_int("DEBUG"));
}

TEST_CASE("is_truthy follows bool()") {
    for (const char* falsy : {"null", "false", "0", "0.0", "\"\"", "[]", "{}"}) {
        CHECK_FALSE(config::is_truthy(pyjson::loads(falsy)));
    }
    for (const char* truthy : {"true", "1", "-0.5", "\"false\"", "[0]", "{\"a\": 0}", "NaN",
                               "123456789012345678901234567890"}) {
        CHECK(config::is_truthy(pyjson::loads(truthy)));
    }
}
