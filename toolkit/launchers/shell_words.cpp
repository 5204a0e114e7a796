#include "toolkit/launchers/shell_words.hpp"

#include "toolkit/errors/error.hpp"

namespace optml::launchers {

namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Inside double quotes shlex lets a backslash escape only the quote and itself.
bool escapable_in_double_quotes(char c) {
    return c == '\\' || c == '"';
}

[[noreturn]] void throw_syntax_error(std::string_view source, std::string_view problem) {
    throw errors::Error(
        errors::ErrorKind::Configuration,
        "hyperparameters.json key '" + std::string(source) + "' " + std::string(problem) + ".");
}

}  // namespace

std::vector<std::string> split_shell_words(std::string_view text, std::string_view source) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;  // '' is a word of its own, so emptiness is not the test
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (is_blank(c)) {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
            ++i;
            continue;
        }
        in_word = true;
        if (c == '\'') {
            std::size_t end = text.find('\'', i + 1);
            if (end == std::string_view::npos) throw_syntax_error(source, "has an unterminated '");
            word.append(text.substr(i + 1, end - i - 1));
            i = end + 1;
        } else if (c == '"') {
            ++i;
            while (true) {
                if (i >= text.size()) throw_syntax_error(source, "has an unterminated \"");
                char d = text[i];
                if (d == '"') break;
                if (d == '\\' && i + 1 < text.size() && escapable_in_double_quotes(text[i + 1])) {
                    word.push_back(text[i + 1]);
                    i += 2;
                    continue;
                }
                word.push_back(d);
                ++i;
            }
            ++i;
        } else if (c == '\\') {
            if (i + 1 >= text.size()) throw_syntax_error(source, "ends with a lone backslash");
            word.push_back(text[i + 1]);
            i += 2;
        } else {
            word.push_back(c);
            ++i;
        }
    }
    if (in_word) words.push_back(std::move(word));
    return words;
}

}  // namespace optml::launchers
