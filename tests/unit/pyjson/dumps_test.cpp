#include <catch2/catch.hpp>

#include <limits>
#include <string>

#include "toolkit/pyjson/python_text.hpp"

using optml::pyjson::BigInt;
using optml::pyjson::Dict;
using optml::pyjson::dumps;
using optml::pyjson::List;
using optml::pyjson::loads;
using optml::pyjson::None;
using optml::pyjson::Value;

// Expected text from CPython 3.11.2:
// json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=True).

TEST_CASE("dumps of scalars", "[pyjson][dumps]") {
    CHECK(dumps(Value()) == "null");
    CHECK(dumps(Value(true)) == "true");
    CHECK(dumps(Value(false)) == "false");
    CHECK(dumps(Value(-42)) == "-42");
    CHECK(dumps(Value(std::numeric_limits<std::int64_t>::min())) == "-9223372036854775808");
    CHECK(dumps(Value(BigInt{"123456789012345678901234567890"})) ==
          "123456789012345678901234567890");
    CHECK(dumps(Value(3.0)) == "3.0");
    CHECK(dumps(Value(1e-5)) == "1e-05");
    CHECK(dumps(Value(-0.0)) == "-0.0");
    CHECK(dumps(Value(std::numeric_limits<double>::quiet_NaN())) == "NaN");
    CHECK(dumps(Value(std::numeric_limits<double>::infinity())) == "Infinity");
    CHECK(dumps(Value(-std::numeric_limits<double>::infinity())) == "-Infinity");
}

TEST_CASE("a hand-built BigInt is printed in Python's spelling", "[pyjson][dumps]") {
    CHECK(dumps(Value(BigInt{"000123"})) == "123");
    CHECK(dumps(Value(BigInt{"-0"})) == "0");
    CHECK(dumps(Value(BigInt{"-000"})) == "0");
    CHECK(dumps(Value(BigInt{"-0099"})) == "-99");
}

TEST_CASE("dumps escapes strings as ensure_ascii does", "[pyjson][dumps]") {
    CHECK(dumps(Value("plain ~ text")) == R"("plain ~ text")");
    CHECK(dumps(Value("bé")) == R"("b\u00e9")");
    CHECK(dumps(Value("say \"hi\"")) == R"("say \"hi\"")");
    CHECK(dumps(Value("it's")) == R"("it's")");
    CHECK(dumps(Value("back\\slash /")) == R"("back\\slash /")");
    CHECK(dumps(Value("tab\there\nnl\r \b\f")) == R"("tab\there\nnl\r \b\f")");
    CHECK(dumps(Value(std::string("\0\x1f\x7f", 3))) == R"("\u0000\u001f\u007f")");
    CHECK(dumps(Value("\u0080\u00a0\u00ad\u2028\ufeff\uffff")) ==
          R"("\u0080\u00a0\u00ad\u2028\ufeff\uffff")");
    CHECK(dumps(Value("名前")) == R"("\u540d\u524d")");
}

TEST_CASE("dumps writes astral code points as surrogate pairs", "[pyjson][dumps]") {
    CHECK(dumps(Value("😀")) == R"("\ud83d\ude00")");
    CHECK(dumps(Value("\U000E0001\U0010FFFF\U0001D11E")) ==
          R"("\udb40\udc01\udbff\udfff\ud834\udd1e")");
}

TEST_CASE("dumps writes lone surrogates as their own escape", "[pyjson][dumps]") {
    CHECK(dumps(loads(R"("\ud800")")) == R"("\ud800")");
    CHECK(dumps(loads(R"("\udc00\ud800")")) == R"("\udc00\ud800")");
    CHECK(dumps(loads(R"("\ud83dA")")) == R"("\ud83dA")");
}

TEST_CASE("dumps reads bytes that are not UTF-8 as surrogateescape does", "[pyjson][dumps]") {
    // os.fsdecode(b"a\xffb") is 'a\udcffb'; json.dumps of it is "a\udcffb".
    CHECK(dumps(Value("a\xff"
                      "b")) == R"("a\udcffb")");
    CHECK(dumps(Value("\xC3")) == R"("\udcc3")");
    CHECK(dumps(Value("\xC0\xAF")) == R"("\udcc0\udcaf")");
}

TEST_CASE("dumps sorts keys by code point but leaves the Dict alone", "[pyjson][dumps]") {
    const Value value = loads(R"({"größe":3,"é":"e-acute","名前":"name-ja"})");
    CHECK(dumps(value) == R"({"gr\u00f6\u00dfe":3,"\u00e9":"e-acute","\u540d\u524d":"name-ja"})");

    const Value mixed = loads(R"({"😀":1,"\uffff":2,"z":3,"é":4,"":5,"Z":6})");
    CHECK(dumps(mixed) == R"({"":5,"Z":6,"z":3,"\u00e9":4,"\uffff":2,"\ud83d\ude00":1})");
    CHECK(mixed.as_dict().begin()->first == "😀");

    const Value nested = loads(R"({"b":{"z":1,"a":[{"y":null,"x":true}]},"a":false})");
    CHECK(dumps(nested) == R"({"a":false,"b":{"a":[{"x":true,"y":null}],"z":1}})");
}

TEST_CASE("dumps sorts a lone surrogate between U+D7FF and U+E000", "[pyjson][dumps]") {
    const Value value = loads(R"({"\ue000":1,"\ud800":2,"\ud7ff":3,"\ud83d\ude00":4})");
    CHECK(dumps(value) == R"({"\ud7ff":3,"\ud800":2,"\ue000":1,"\ud83d\ude00":4})");
}

TEST_CASE("dumps of containers uses compact separators", "[pyjson][dumps]") {
    CHECK(dumps(Value(List{})) == "[]");
    CHECK(dumps(Value(Dict{})) == "{}");
    CHECK(dumps(loads(R"([1, "two", 3.5, true, null, {"k": "v"}])")) ==
          R"([1,"two",3.5,true,null,{"k":"v"}])");
    CHECK(dumps(loads("[[], {}, [[]]]")) == "[[],{},[[]]]");
    const List floats{Value(std::numeric_limits<double>::infinity()),
                      Value(-std::numeric_limits<double>::infinity()),
                      Value(std::numeric_limits<double>::quiet_NaN()), Value(-0.0)};
    CHECK(dumps(Value(floats)) == "[Infinity,-Infinity,NaN,-0.0]");
    Dict dict;
    dict.set("none", None{});
    dict.set("list", List{1, "a"});
    CHECK(dumps(Value(dict)) == R"({"list":[1,"a"],"none":null})");
}

TEST_CASE("dumps(loads(x)) re-encodes recorded hyperparameters", "[pyjson][dumps]") {
    CHECK(dumps(loads("1e-5")) == "1e-05");
    CHECK(dumps(loads("1E400")) == "Infinity");
    CHECK(dumps(loads("1.5e300")) == "1.5e+300");
    CHECK(dumps(loads("1e16")) == "1e+16");
    CHECK(dumps(loads("2.5E+3")) == "2500.0");
    CHECK(dumps(loads("123456789012345678901234567890")) == "123456789012345678901234567890");
    CHECK(dumps(loads(" 6 ")) == "6");
}

TEST_CASE("one str as json.dumps writes it, with and without ensure_ascii") {
    std::string out;
    optml::pyjson::append_json_string(out, "a\"\\\n\b\f\x01\x7f \xc3\xa9\xf0\x9f\x98\x80");
    CHECK(out == R"("a\"\\\n\b\f\u0001\u007f \u00e9\ud83d\ude00")");
    out.clear();
    optml::pyjson::append_json_string(out, "a\"\\\n\b\f\x01\x7f \xc3\xa9\xf0\x9f\x98\x80",
                                      /*ensure_ascii=*/false);
    CHECK(out == "\"a\\\"\\\\\\n\\b\\f\\u0001\x7f \xc3\xa9\xf0\x9f\x98\x80\"");
}

TEST_CASE("strict UTF-8, and Latin-1 bytes read as text") {
    CHECK(optml::pyjson::is_utf8("caf\xc3\xa9"));
    CHECK_FALSE(optml::pyjson::is_utf8("caf\xe9"));
    CHECK_FALSE(optml::pyjson::is_utf8("\xed\xa0\x80"));  // a surrogate
    CHECK(optml::pyjson::latin1_to_utf8("caf\xe9\x41") ==
          "caf\xc3\xa9"
          "A");
}
