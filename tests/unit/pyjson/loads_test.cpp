#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "toolkit/pyjson/python_text.hpp"

using optml::pyjson::BigInt;
using optml::pyjson::dumps;
using optml::pyjson::loads;
using optml::pyjson::str;
using optml::pyjson::Value;

// Expected strings below come from CPython 3.11.2: json.loads(text), then
// json.dumps(v, sort_keys=True, separators=(",", ":")) and str(v).
namespace {

struct Decoded {
    std::string type;
    std::string json;
    std::string text;
};

Decoded decode(std::string_view text) {
    const Value value = loads(text);
    return {std::string(value.type_name()), dumps(value), str(value)};
}

}  // namespace

TEST_CASE("hyperparameter strings recorded from the reference decode the same way",
          "[pyjson][loads]") {
    struct Case {
        const char* text;
        const char* type;
        const char* json;
        const char* str;
    };
    const Case cases[] = {
        {"1e-5", "float", "1e-05", "1e-05"},
        {"3.0", "float", "3.0", "3.0"},
        {"1E400", "float", "Infinity", "inf"},
        {"-0.0", "float", "-0.0", "-0.0"},
        {"123456789012345678901234567890", "int", "123456789012345678901234567890",
         "123456789012345678901234567890"},
        {"0.30000000000000004", "float", "0.30000000000000004", "0.30000000000000004"},
        {"1.5e300", "float", "1.5e+300", "1.5e+300"},
        {"NaN", "float", "NaN", "nan"},
        {"-Infinity", "float", "-Infinity", "-inf"},
        {"Infinity", "float", "Infinity", "inf"},
        {"1e16", "float", "1e+16", "1e+16"},
        {"100.0", "float", "100.0", "100.0"},
        {"-42", "int", "-42", "-42"},
        {"0", "int", "0", "0"},
        {"2.5E+3", "float", "2500.0", "2500.0"},
        {" 6 ", "int", "6", "6"},
        {"true", "bool", "true", "True"},
        {"false", "bool", "false", "False"},
        {"null", "NoneType", "null", "None"},
    };
    for (const Case& c : cases) {
        INFO("text: " << c.text);
        const Decoded decoded = decode(c.text);
        CHECK(decoded.type == c.type);
        CHECK(decoded.json == c.json);
        CHECK(decoded.text == c.str);
    }
}

TEST_CASE("numbers follow float() and int() at the edges", "[pyjson][loads]") {
    struct Case {
        const char* text;
        const char* type;
        const char* json;
    };
    const Case cases[] = {
        {"-0", "int", "0"},
        {"1e-400", "float", "0.0"},
        {"-1e-400", "float", "-0.0"},
        {"5e-324", "float", "5e-324"},
        {"2e-324", "float", "0.0"},
        {"1.7976931348623159e308", "float", "Infinity"},
        {"-1e99999999999999999999", "float", "-Infinity"},
        {"0e99999", "float", "0.0"},
        {"1e22", "float", "1e+22"},
        {"1.0E-4", "float", "0.0001"},
        {"123e-20", "float", "1.23e-18"},
        {"9223372036854775807", "int", "9223372036854775807"},
        {"9223372036854775808", "int", "9223372036854775808"},
        {"-9223372036854775808", "int", "-9223372036854775808"},
        {"-9223372036854775809", "int", "-9223372036854775809"},
    };
    for (const Case& c : cases) {
        INFO("text: " << c.text);
        const Decoded decoded = decode(c.text);
        CHECK(decoded.type == c.type);
        CHECK(decoded.json == c.json);
    }
}

TEST_CASE("ints that fit stay int64, larger ones keep their exact digits", "[pyjson][loads]") {
    CHECK(loads("-9223372036854775808").fits_int64());
    CHECK(loads("-9223372036854775808").as_int64() == INT64_MIN);
    const Value big = loads("-123456789012345678901234567890");
    REQUIRE(big.is_int());
    CHECK_FALSE(big.fits_int64());
    CHECK(std::get<BigInt>(big.storage()).digits == "-123456789012345678901234567890");
    CHECK(loads("-0").as_int64() == 0);
    CHECK(std::signbit(loads("-0.0").as_float()));
    CHECK(std::isnan(loads("NaN").as_float()));
    CHECK(std::isinf(loads("1E400").as_float()));
}

TEST_CASE("an int of exactly 4300 digits is still accepted", "[pyjson][loads]") {
    const std::string digits(4300, '9');
    CHECK(std::get<BigInt>(loads(digits).storage()).digits == digits);
    CHECK(std::get<BigInt>(loads("-" + digits).storage()).digits == "-" + digits);
}

TEST_CASE("strings decode their escapes", "[pyjson][loads]") {
    CHECK(loads(R"("tab\there\nnl\r\\ \b\f\/\"")").as_str() == "tab\there\nnl\r\\ \b\f/\"");
    CHECK(loads(R"("b\u00e9")").as_str() == "bé");
    CHECK(loads(R"("\u540D\u524d")").as_str() == "名前");
    CHECK(loads("\"bé 名前\"").as_str() == "bé 名前");
    CHECK(loads(R"("\u0000")").as_str() == std::string(1, '\0'));
    CHECK(loads("\"\x7f\"").as_str() == "\x7f");
    CHECK(loads(R"("")").as_str().empty());
}

TEST_CASE("surrogate escapes pair up, and a lone one is kept", "[pyjson][loads]") {
    CHECK(loads(R"("\ud83d\ude00")").as_str() == "😀");
    CHECK(loads(R"("\uD83D\uDE00")").as_str() == "\xF0\x9F\x98\x80");
    // Lone surrogates are spelled with UTF-8's 3-byte pattern.
    CHECK(loads(R"("\ud800")").as_str() == "\xED\xA0\x80");
    CHECK(loads(R"("\udc00\ud800")").as_str() == "\xED\xB0\x80\xED\xA0\x80");
    CHECK(loads(R"("\ud83dA")").as_str() ==
          "\xED\xA0\xBD"
          "A");
    CHECK(loads(R"("\ud83d\u0041")").as_str() ==
          "\xED\xA0\xBD"
          "A");
    // A high surrogate followed by another high one stays alone; the second one pairs up.
    CHECK(loads(R"("\ud83d\ud83d\ude00")").as_str() ==
          "\xED\xA0\xBD"
          "😀");
}

TEST_CASE("containers decode with insertion order and json's duplicate rule", "[pyjson][loads]") {
    CHECK(str(loads(R"([1, "two", 3.5, true, null, {"k": "v"}])")) ==
          "[1, 'two', 3.5, True, None, {'k': 'v'}]");
    CHECK(str(loads(R"({"d": [1, 2]})")) == "{'d': [1, 2]}");
    CHECK(str(loads(R"({"b":1,"a":2,"b":3})")) == "{'b': 3, 'a': 2}");
    CHECK(str(loads(" \t\r\n[ ] ")) == "[]");
    CHECK(str(loads("{ }")) == "{}");
    CHECK(str(loads("[[], {}, [[]]]")) == "[[], {}, [[]]]");
    CHECK(str(loads(R"({"":""})")) == "{'': ''}");
}

TEST_CASE("a large object keeps first positions and last values", "[pyjson][loads]") {
    // Big enough to leave the small-object path of the builder.
    std::string text = "{";
    for (int i = 0; i < 100; ++i) {
        if (i > 0) text += ",";
        text += "\"k" + std::to_string(i % 40) + "\":" + std::to_string(i);
    }
    text += "}";
    const Value value = loads(text);
    const auto& dict = value.as_dict();
    REQUIRE(dict.size() == 40);
    CHECK(dict.begin()->first == "k0");
    CHECK(dict.begin()->second.as_int64() == 80);
    CHECK(dict.find("k39")->as_int64() == 79);
    CHECK((dict.begin() + 39)->first == "k39");
}

TEST_CASE("nesting is accepted up to 900 levels", "[pyjson][loads]") {
    const std::string deep = std::string(900, '[') + std::string(900, ']');
    CHECK(dumps(loads(deep)) == deep);
}
