#include <catch2/catch.hpp>

#include "toolkit/serve/model_routes.hpp"

using namespace optml::serve;

TEST_CASE("percent-decoding of a model name in a path") {
    CHECK(percent_decode("plain") == "plain");
    CHECK(percent_decode("a%20b%2Fc") == "a b/c");
    CHECK(percent_decode("a+b") == "a+b");
    CHECK_FALSE(percent_decode("bad%2").has_value());
    CHECK_FALSE(percent_decode("bad%zz").has_value());
    CHECK_FALSE(percent_decode("%").has_value());
}

TEST_CASE("query values are found by exact name and decoded") {
    CHECK(query_value("limit=2&next_page_token=4", "next_page_token") == "4");
    CHECK(query_value("limit=2&next_page_token=4", "limit") == "2");
    CHECK_FALSE(query_value("limits=2", "limit").has_value());
    CHECK(query_value("limit", "limit") == "");
    CHECK(query_value("name=a%26b", "name") == "a&b");
    CHECK_FALSE(query_value("", "limit").has_value());
}

TEST_CASE("model names: opaque, but not empty, long, with '/' or control characters") {
    CHECK(model_name_problem("3f2a9c.tar.gz").empty());
    CHECK(model_name_problem("with space and ünïcode").empty());
    CHECK(model_name_problem("").find("empty") != std::string::npos);
    CHECK(model_name_problem(std::string(257, 'a')).find("256") != std::string::npos);
    CHECK(model_name_problem("a/b").find("'/'") != std::string::npos);
    CHECK(model_name_problem("a\nb").find("control") != std::string::npos);
}
