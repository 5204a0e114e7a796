#include <catch2/catch.hpp>

#include <limits>
#include <string>

#include "toolkit/pyjson/python_text.hpp"

using optml::pyjson::BigInt;
using optml::pyjson::Dict;
using optml::pyjson::List;
using optml::pyjson::loads;
using optml::pyjson::repr;
using optml::pyjson::str;
using optml::pyjson::Value;

// Expected text from CPython 3.11.2's str() and repr().

TEST_CASE("str and repr of scalars", "[pyjson][str]") {
    CHECK(str(Value()) == "None");
    CHECK(repr(Value()) == "None");
    CHECK(str(Value(true)) == "True");
    CHECK(str(Value(false)) == "False");
    CHECK(str(Value(-42)) == "-42");
    CHECK(repr(Value(BigInt{"-123456789012345678901234567890"})) ==
          "-123456789012345678901234567890");
    CHECK(str(Value(2.5)) == "2.5");
    CHECK(str(Value(1e16)) == "1e+16");
    CHECK(str(Value(std::numeric_limits<double>::infinity())) == "inf");
    CHECK(repr(Value(-std::numeric_limits<double>::infinity())) == "-inf");
    CHECK(str(Value(std::numeric_limits<double>::quiet_NaN())) == "nan");
}

TEST_CASE("str of a string is the string, repr quotes it", "[pyjson][str]") {
    CHECK(str(Value("bé")) == "bé");
    CHECK(repr(Value("bé")) == "'bé'");
    CHECK(str(Value("it's")) == "it's");
    CHECK(str(Value("")) == "");
    CHECK(repr(Value("")) == "''");
}

TEST_CASE("repr picks the quote as Python does", "[pyjson][str]") {
    CHECK(repr(Value("plain")) == "'plain'");
    CHECK(repr(Value("it's")) == R"("it's")");
    CHECK(repr(Value("say \"hi\"")) == R"('say "hi"')");
    CHECK(repr(Value("both ' and \"")) == R"('both \' and "')");
}

TEST_CASE("repr escapes control characters and backslashes", "[pyjson][str]") {
    CHECK(repr(Value("back\\slash")) == R"('back\\slash')");
    CHECK(repr(Value("tab\there\nnl\r")) == R"('tab\there\nnl\r')");
    CHECK(repr(Value(std::string("\0\x1f\x7f\b\f", 5))) == R"('\x00\x1f\x7f\x08\x0c')");
}

TEST_CASE("repr keeps printable non-ASCII and escapes the rest", "[pyjson][str]") {
    CHECK(repr(Value("\u0080\u009f\u00a0\u00ad")) == R"('\x80\x9f\xa0\xad')");
    CHECK(repr(Value("¡Ā")) == "'¡Ā'");
    CHECK(repr(Value("é中\u3000\u2028\u200b\ufeff\uffff\u0378")) ==
          R"('é中\u3000\u2028\u200b\ufeff\uffff\u0378')");
    CHECK(repr(Value("😀\U000E0001\U0010FFFF𝄞")) == R"('😀\U000e0001\U0010ffff𝄞')");
}

TEST_CASE("repr escapes lone surrogates and undecodable bytes", "[pyjson][str]") {
    CHECK(repr(loads(R"("\ud800")")) == R"('\ud800')");
    CHECK(repr(loads(R"("x\udcffy")")) == R"('x\udcffy')");
    // Bytes that are not UTF-8 read as surrogateescape would: b"\xff" -> '\udcff'.
    CHECK(repr(Value("a\xff")) == R"('a\udcff')");
    // str() hands the bytes back untouched.
    CHECK(str(Value("a\xff")) == "a\xff");
}

TEST_CASE("str of containers shows items' repr in insertion order", "[pyjson][str]") {
    CHECK(str(loads(R"([1, "two", 3.5, true, null, {"k": "v"}])")) ==
          "[1, 'two', 3.5, True, None, {'k': 'v'}]");
    CHECK(str(loads(R"({"d": [1, 2]})")) == "{'d': [1, 2]}");
    CHECK(str(loads(R"({"größe":3,"é":"e-acute","名前":"name-ja"})")) ==
          "{'größe': 3, 'é': 'e-acute', '名前': 'name-ja'}");
    CHECK(repr(loads(R"({"b":{"z":1,"a":[{"y":null,"x":true}]},"a":false})")) ==
          "{'b': {'z': 1, 'a': [{'y': None, 'x': True}]}, 'a': False}");
    CHECK(str(loads(R"({"it's": "q\"", "k": ["x"]})")) == R"({"it's": 'q"', 'k': ['x']})");
    CHECK(str(loads(R"(["\n", "'", "\""])")) == R"(['\n', "'", '"'])");
    CHECK(str(Value(List{})) == "[]");
    CHECK(str(Value(Dict{})) == "{}");
    CHECK(str(loads("[1E400, -1E400, NaN, -0.0]")) == "[inf, -inf, nan, -0.0]");
}
