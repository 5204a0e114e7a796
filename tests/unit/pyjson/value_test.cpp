#include <catch2/catch.hpp>

#include "toolkit/pyjson/value.hpp"

using optml::pyjson::BigInt;
using optml::pyjson::Dict;
using optml::pyjson::List;
using optml::pyjson::None;
using optml::pyjson::Value;

TEST_CASE("type_name is Python's type name", "[pyjson][value]") {
    CHECK(Value().type_name() == "NoneType");
    CHECK(Value(None{}).type_name() == "NoneType");
    CHECK(Value(true).type_name() == "bool");
    CHECK(Value(7).type_name() == "int");
    CHECK(Value(std::int64_t{-7}).type_name() == "int");
    CHECK(Value(BigInt{"123456789012345678901234567890"}).type_name() == "int");
    CHECK(Value(2.5).type_name() == "float");
    CHECK(Value("text").type_name() == "str");
    CHECK(Value(List{}).type_name() == "list");
    CHECK(Value(Dict{}).type_name() == "dict");
}

TEST_CASE("a bool is not an int, unlike in Python's isinstance", "[pyjson][value]") {
    CHECK(Value(true).is_bool());
    CHECK_FALSE(Value(true).is_int());
    CHECK(Value(BigInt{"99999999999999999999"}).is_int());
    CHECK_FALSE(Value(BigInt{"99999999999999999999"}).fits_int64());
    CHECK(Value(5).fits_int64());
}

TEST_CASE("Dict::find finds by key and misses cleanly", "[pyjson][value]") {
    Dict dict;
    CHECK(dict.empty());
    CHECK(dict.find("a") == nullptr);
    dict.set("a", 1);
    dict.set("b", "two");
    REQUIRE(dict.find("a") != nullptr);
    CHECK(dict.find("a")->as_int64() == 1);
    CHECK(dict.find("b")->as_str() == "two");
    CHECK(dict.find("c") == nullptr);
    CHECK(dict.find("") == nullptr);
}

TEST_CASE("Dict::set on an existing key keeps its position and replaces the value",
          "[pyjson][value]") {
    Dict dict;
    dict.set("b", 1);
    dict.set("a", 2);
    dict.set("b", 3);
    REQUIRE(dict.size() == 2);
    auto it = dict.begin();
    CHECK(it->first == "b");
    CHECK(it->second.as_int64() == 3);
    ++it;
    CHECK(it->first == "a");
    CHECK(it->second.as_int64() == 2);
}

TEST_CASE("Dict keys are compared as whole strings, embedded NUL included", "[pyjson][value]") {
    Dict dict;
    dict.set(std::string("a\0b", 3), 1);
    dict.set("a", 2);
    CHECK(dict.size() == 2);
    CHECK(dict.find(std::string_view("a\0b", 3))->as_int64() == 1);
    CHECK(dict.find("a")->as_int64() == 2);
}
