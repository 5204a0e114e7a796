#include <catch2/catch.hpp>

#include <string>

#include "toolkit/pyjson/python_text.hpp"

using optml::pyjson::loads;
using optml::pyjson::ParseError;

// Reasons, lines and columns are those of CPython 3.11.2's JSONDecodeError (msg, lineno,
// colno) for the same text.
namespace {

struct Failure {
    std::string reason;
    std::size_t line;
    std::size_t column;
};

Failure failure_of(std::string_view text) {
    try {
        loads(text);
    } catch (const ParseError& error) {
        std::string what = error.what();
        const std::size_t at = what.rfind(" at line ");
        return {what.substr(0, at), error.line(), error.column()};
    }
    return {"parsed", 0, 0};
}

void check_failure(std::string_view text, const std::string& reason, std::size_t line,
                   std::size_t column) {
    INFO("text: " << text.substr(0, 80));
    const Failure failure = failure_of(text);
    CHECK(failure.reason == reason);
    CHECK(failure.line == line);
    CHECK(failure.column == column);
}

}  // namespace

TEST_CASE("hyperparameter strings the reference keeps as plain strings fail to parse",
          "[pyjson][loads][errors]") {
    check_failure("abc", "Expecting value", 1, 1);
    check_failure("06", "Extra data", 1, 2);
    check_failure("+1", "Expecting value", 1, 1);
    check_failure("''", "Expecting value", 1, 1);
    check_failure("True", "Expecting value", 1, 1);
    check_failure("'q'", "Expecting value", 1, 1);
    check_failure("/data/x y", "Expecting value", 1, 1);
    check_failure("1,", "Extra data", 1, 2);
    check_failure("0x10", "Extra data", 1, 2);
}

TEST_CASE("empty and whitespace-only text has no value", "[pyjson][loads][errors]") {
    check_failure("", "Expecting value", 1, 1);
    check_failure("   ", "Expecting value", 1, 4);
    // Only space, tab, newline and carriage return are JSON whitespace.
    check_failure(
        "\x0c"
        "1",
        "Expecting value", 1, 1);
    check_failure(
        "\x0b"
        "1",
        "Expecting value", 1, 1);
    check_failure(
        "\xC2\xA0"
        "1",
        "Expecting value", 1, 1);
}

TEST_CASE("numbers that JSON does not allow", "[pyjson][loads][errors]") {
    check_failure("-", "Expecting value", 1, 1);
    check_failure("-a", "Expecting value", 1, 1);
    check_failure("1.", "Extra data", 1, 2);
    check_failure("1e", "Extra data", 1, 2);
    check_failure("1e+", "Extra data", 1, 2);
    check_failure("1e5x", "Extra data", 1, 4);
    check_failure(".5", "Expecting value", 1, 1);
    check_failure("-NaN", "Expecting value", 1, 1);
    check_failure("infinity", "Expecting value", 1, 1);
    check_failure("nul", "Expecting value", 1, 1);
    check_failure("nulll", "Extra data", 1, 5);
}

TEST_CASE("an int longer than 4300 digits fails like Python's int()", "[pyjson][loads][errors]") {
    check_failure(std::string(4301, '1'),
                  "Exceeds the limit (4300 digits) for integer string conversion: value has 4301 "
                  "digits; use sys.set_int_max_str_digits() to increase the limit",
                  1, 1);
    check_failure("[-" + std::string(5000, '1') + "]",
                  "Exceeds the limit (4300 digits) for integer string conversion: value has 5000 "
                  "digits; use sys.set_int_max_str_digits() to increase the limit",
                  1, 2);
    // Floats have no such limit.
    CHECK(loads("0." + std::string(5000, '1')).as_float() == 0.1111111111111111);
}

TEST_CASE("structural errors", "[pyjson][loads][errors]") {
    check_failure("[", "Expecting value", 1, 2);
    check_failure("{", "Expecting property name enclosed in double quotes", 1, 2);
    check_failure("[1,]", "Expecting value", 1, 4);
    check_failure("{\"a\":1,}", "Expecting property name enclosed in double quotes", 1, 8);
    check_failure("{\"a\" 1}", "Expecting ':' delimiter", 1, 6);
    check_failure("{\"a\":1 \"b\":2}", "Expecting ',' delimiter", 1, 8);
    check_failure("[1 2]", "Expecting ',' delimiter", 1, 4);
    check_failure("{1:2}", "Expecting property name enclosed in double quotes", 1, 2);
    check_failure("{'a':2}", "Expecting property name enclosed in double quotes", 1, 2);
    check_failure("[1]]", "Extra data", 1, 4);
    check_failure("{\"a\":1}}", "Extra data", 1, 8);
    check_failure("]", "Expecting value", 1, 1);
    check_failure("[1]\n\n x", "Extra data", 3, 2);
}

TEST_CASE("string errors", "[pyjson][loads][errors]") {
    check_failure("\"abc", "Unterminated string starting at", 1, 1);
    check_failure("[\"a\\", "Unterminated string starting at", 1, 2);
    check_failure("\"\\x\"", "Invalid \\escape", 1, 2);
    check_failure("\"\\U0041\"", "Invalid \\escape", 1, 2);
    check_failure("\"\\u12\"", "Invalid \\uXXXX escape", 1, 3);
    // Four digits but nothing after them: Python calls the escape invalid, not the string
    // unterminated.
    check_failure("\"\\u0041", "Invalid \\uXXXX escape", 1, 3);
    check_failure("\"\\ud800\\uzzzz\"", "Invalid \\uXXXX escape", 1, 9);
    check_failure(
        "\"a\x01"
        "b\"",
        "Invalid control character at", 1, 3);
    check_failure("\t\"\t\"", "Invalid control character at", 1, 3);
    check_failure("\"line\nbreak\"", "Invalid control character at", 1, 6);
}

TEST_CASE("columns count characters, lines count newlines only", "[pyjson][loads][errors]") {
    check_failure("[\n  1,\n  é\n]", "Expecting value", 3, 3);
    check_failure("{\n\"é\": x}", "Expecting value", 2, 6);
    check_failure("[\"名前\", x]", "Expecting value", 1, 8);
    check_failure("[1,\r\n x]", "Expecting value", 2, 2);
    check_failure("[1,\r x]", "Expecting value", 1, 6);
}

TEST_CASE("text that is not UTF-8 is rejected before any JSON", "[pyjson][loads][errors]") {
    check_failure("\"\xFF\"", "Invalid UTF-8", 1, 2);
    check_failure("[1, x, \"\xC3\"]", "Invalid UTF-8", 1, 9);
    check_failure("\"\xC0\xAF\"", "Invalid UTF-8", 1, 2);          // overlong '/'
    check_failure("\"\xED\xA0\x80\"", "Invalid UTF-8", 1, 2);      // raw surrogate
    check_failure("\"\xF4\x90\x80\x80\"", "Invalid UTF-8", 1, 2);  // above U+10FFFF
    check_failure("\"é\n\xE9\"", "Invalid UTF-8", 2, 1);
}

TEST_CASE("a byte order mark is refused as Python refuses it in a str", "[pyjson][loads][errors]") {
    check_failure("\xEF\xBB\xBF{}", "Unexpected UTF-8 BOM (decode using utf-8-sig)", 1, 1);
}

TEST_CASE("nesting deeper than 900 levels is an error, not a crash", "[pyjson][loads][errors]") {
    check_failure(std::string(901, '[') + std::string(901, ']'),
                  "maximum recursion depth exceeded while decoding a JSON array from a unicode "
                  "string",
                  1, 901);
    std::string objects;
    for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
    check_failure(objects,
                  "maximum recursion depth exceeded while decoding a JSON object from a unicode "
                  "string",
                  1, 4501);
    check_failure(std::string(1000000, '['),
                  "maximum recursion depth exceeded while decoding a JSON array from a unicode "
                  "string",
                  1, 901);
}

TEST_CASE("ParseError's message carries the position", "[pyjson][loads][errors]") {
    try {
        loads("{\"a\": }");
        FAIL("parsed");
    } catch (const ParseError& error) {
        CHECK(std::string(error.what()) == "Expecting value at line 1 column 7");
    }
}

TEST_CASE("hostile inputs end in a ParseError", "[pyjson][loads][errors]") {
    const char* const inputs[] = {"\"\\",
                                  "\"\\u",
                                  "\"\\ud800\\",
                                  "\"\\ud800\\u",
                                  "\"\\ud800\\udc0",
                                  "{\"",
                                  "{\"a\"",
                                  "{\"a\":",
                                  "[1,",
                                  "-",
                                  "t",
                                  "fals",
                                  "N",
                                  "-I",
                                  "Infinit",
                                  "1e+",
                                  "[\"\\ud800\\udc00"};
    for (const char* input : inputs) {
        INFO("text: " << input);
        CHECK_THROWS_AS(loads(input), ParseError);
    }
    CHECK_THROWS_AS(loads(std::string_view("[1,\0]", 5)), ParseError);
    CHECK_THROWS_AS(loads(std::string_view("\"\0\"", 3)), ParseError);
}
