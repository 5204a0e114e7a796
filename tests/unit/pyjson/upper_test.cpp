#include <catch2/catch.hpp>

#include <string>

#include "toolkit/pyjson/python_text.hpp"

using optml::pyjson::upper;

// Expected text from CPython 3.11.2's str.upper() (Unicode 14.0.0).

TEST_CASE("upper of ASCII", "[pyjson][upper]") {
    CHECK(upper("abc-XYZ_09") == "ABC-XYZ_09");
    CHECK(upper("") == "");
    CHECK(upper(std::string("\0a", 2)) == std::string("\0A", 2));
}

TEST_CASE("upper of one-to-one mappings", "[pyjson][upper]") {
    CHECK(upper("é") == "É");
    CHECK(upper("ǅ") == "Ǆ");  // title case maps to upper case
    CHECK(upper("µ") == "Μ");
    CHECK(upper("ÿ") == "Ÿ");
    CHECK(upper("ı") == "I");
    CHECK(upper("ⓐ") == "Ⓐ");
    CHECK(upper("ꭰ") == "Ꭰ");
    CHECK(upper("𐐨") == "𐐀");
    CHECK(upper("āăą") == "ĀĂĄ");
}

TEST_CASE("upper of full (multi-character) mappings", "[pyjson][upper]") {
    CHECK(upper("straße") == "STRASSE");
    CHECK(upper("ﬁle") == "FILE");
    CHECK(upper("ŉ") == "ʼN");
    CHECK(upper("ﬃ") == "FFI");
    CHECK(upper("\u01F0") == "J\u030C");
    CHECK(upper("\u0390") == "\u0399\u0308\u0301");
    CHECK(upper("ᾳ") == "ΑΙ");
    CHECK(upper("ﬗ") == "ՄԽ");
}

TEST_CASE("upper leaves caseless text alone", "[pyjson][upper]") {
    CHECK(upper("名前") == "名前");
    CHECK(upper("Ꭓ") == "Ꭓ");
    CHECK(upper("😀 ١٢٣") == "😀 ١٢٣");
}

TEST_CASE("upper keeps lone surrogates and undecodable bytes", "[pyjson][upper]") {
    CHECK(upper("a\xED\xA0\x80"
                "b") ==
          "A\xED\xA0\x80"
          "B");
    CHECK(upper("a\xFF\xC3"
                "b") ==
          "A\xFF\xC3"
          "B");
}
