#include <catch2/catch.hpp>

#include "toolkit/errors/error.hpp"
#include "toolkit/reporting/valid_utf8.hpp"
#include "toolkit/reporting/verdict.hpp"

using namespace optml;
using reporting::valid_utf8;

namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

std::string replaced(int times) {
    std::string text;
    for (int i = 0; i < times; ++i) text += kReplacement;
    return text;
}

}  // namespace

TEST_CASE("well-formed UTF-8 passes unchanged, at every sequence length and range edge") {
    for (const std::string text :
         {"plain ascii\n", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80",
          "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "caf\xC3\xA9 \xF0\x9F\x98\x80"}) {
        CHECK(valid_utf8(text) == text);
    }
}

TEST_CASE("overlong forms, surrogates and code points above U+10FFFF are replaced") {
    CHECK(valid_utf8("\xC0\xAF") == replaced(2));          // overlong '/'
    CHECK(valid_utf8("\xC1\xBF") == replaced(2));          // overlong
    CHECK(valid_utf8("\xE0\x80\xAF") == replaced(3));      // overlong '/'
    CHECK(valid_utf8("\xE0\x9F\xBF") == replaced(3));      // overlong U+07FF
    CHECK(valid_utf8("\xF0\x80\x80\xAF") == replaced(4));  // overlong '/'
    CHECK(valid_utf8("\xF0\x8F\xBF\xBF") == replaced(4));  // overlong U+FFFF
    CHECK(valid_utf8("\xED\xA0\x80") == replaced(3));      // U+D800, a surrogate
    CHECK(valid_utf8("\xED\xBF\xBF") == replaced(3));      // U+DFFF
    CHECK(valid_utf8("\xF4\x90\x80\x80") == replaced(4));  // U+110000
    CHECK(valid_utf8("\xF5\x80\x80\x80") == replaced(4));  // no such lead byte
    CHECK(valid_utf8("\xFF") == kReplacement);
}

TEST_CASE("truncated and stray bytes are replaced without swallowing what follows") {
    CHECK(valid_utf8("a\xE2\x82") == "a" + replaced(2));
    CHECK(valid_utf8("\xE2\x82z") == replaced(2) + "z");
    CHECK(valid_utf8("\x80x") == kReplacement + "x");
    CHECK(valid_utf8("\xF0\x9F\x98") == replaced(3));
}

TEST_CASE("error messages in failure texts are made valid UTF-8 too") {
    const auto verdict = reporting::verdict_for_error(
        errors::Error(errors::ErrorKind::Configuration, "bad file name \xED\xA0\x80.json"));
    CHECK(*verdict.failure_reason == "ConfigurationError:\nbad file name " + replaced(3) + ".json");
}

TEST_CASE("stderr with overlong and surrogate sequences gives a valid ErrorMessage") {
    process::Outcome outcome;
    outcome.started = true;
    outcome.exit_status = 1;
    outcome.stderr_tail = "boom \xC0\xAF \xED\xA0\x80\n";
    const auto verdict = reporting::verdict_for_program(outcome);
    CHECK(verdict.failure_reason->find("\xC0") == std::string::npos);
    CHECK(verdict.failure_reason->find("\xED\xA0") == std::string::npos);
    CHECK(verdict.failure_reason->ends_with("boom " + replaced(2) + " " + replaced(3) + "\""));
}
