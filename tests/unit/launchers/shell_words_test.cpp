#include <catch2/catch.hpp>

#include "toolkit/errors/error.hpp"
#include "toolkit/launchers/shell_words.hpp"

using optml::launchers::split_shell_words;
using Words = std::vector<std::string>;

TEST_CASE("shell words: blanks separate, quotes group, nothing expands") {
    CHECK(split_shell_words("", "k").empty());
    CHECK(split_shell_words("  \t\n ", "k").empty());
    CHECK(split_shell_words("-x A=1   -mca btl tcp", "k") ==
          Words{"-x", "A=1", "-mca", "btl", "tcp"});
    CHECK(split_shell_words(R"(-x 'A=a b' -x "B=c d")", "k") ==
          Words{"-x", "A=a b", "-x", "B=c d"});
    CHECK(split_shell_words(R"(-x A=$HOME `id` $(id) ; | &)", "k") ==
          Words{"-x", "A=$HOME", "`id`", "$(id)", ";", "|", "&"});
    CHECK(split_shell_words(R"(a'b'"c"d)", "k") == Words{"abcd"});
    CHECK(split_shell_words(R"('' "")", "k") == Words{"", ""});
    CHECK(split_shell_words(R"(a\ b \'c)", "k") == Words{"a b", "'c"});
    CHECK(split_shell_words(R"("a\"b\\c\$d" 'e\f')", "k") == Words{R"(a"b\c\$d)", R"(e\f)"});
}

TEST_CASE("shell words: unterminated quotes name the hyperparameter") {
    for (const char* bad : {"-x 'A=1", "-x \"A=1", "-x A\\"}) {
        INFO(bad);
        try {
            split_shell_words(bad, "sagemaker_mpi_custom_mpi_options");
            FAIL("no error");
        } catch (const optml::errors::Error& error) {
            CHECK(error.kind() == optml::errors::ErrorKind::Configuration);
            CHECK_THAT(error.what(),
                       Catch::Matchers::StartsWith(
                           "hyperparameters.json key 'sagemaker_mpi_custom_mpi_options' "));
        }
    }
}
