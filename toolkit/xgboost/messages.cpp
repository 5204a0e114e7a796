#include "toolkit/xgboost/messages.hpp"

#include <charconv>

namespace optml::xgboost {

namespace {

// Reasons are ours, but a line break inside one would end the message early.
std::string one_line(std::string_view text) {
    std::string line(text);
    for (char& c : line) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return line;
}

template <typename Number>
std::optional<Number> number_of(std::string_view word) {
    Number value{};
    const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
    if (error != std::errc() || end != word.data() + word.size()) return std::nullopt;
    return value;
}

std::string_view next_word(std::string_view& text) {
    const auto space = text.find(' ');
    const std::string_view word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    return word;
}

}  // namespace

std::string message_line(std::string_view verb, std::string_view rest) {
    std::string line(verb);
    if (!rest.empty()) line += " " + one_line(rest);
    return line + "\n";
}

Message parse_message(std::string_view line) {
    if (line.ends_with('\n')) line.remove_suffix(1);
    std::string_view rest = line;
    const std::string_view verb = next_word(rest);
    return Message{std::string(verb), std::string(rest)};
}

std::optional<std::string> LineBuffer::next_line() {
    const auto end = pending_.find('\n');
    if (end == std::string::npos) return std::nullopt;
    std::string line = pending_.substr(0, end);
    pending_.erase(0, end + 1);
    return line;
}

std::optional<JoinMessage> parse_join(const Message& message) {
    if (message.verb != "JOIN") return std::nullopt;
    std::string_view rest = message.rest;
    const std::string_view host = next_word(rest);
    if (host.empty() || (rest != "0" && rest != "1")) return std::nullopt;
    return JoinMessage{std::string(host), rest == "1"};
}

std::optional<StartMessage> parse_start(const Message& message) {
    if (message.verb != "START") return std::nullopt;
    std::string_view rest = message.rest;
    const auto rank = number_of<std::size_t>(next_word(rest));
    const auto workers = number_of<std::size_t>(next_word(rest));
    const auto port = number_of<int>(next_word(rest));
    if (!rank || !workers || !port || *rank >= *workers || !rest.empty()) return std::nullopt;
    return StartMessage{*rank, *workers, *port};
}

AbortMessage parse_abort(const Message& message) {
    std::string_view rest = message.rest;
    const std::string_view host = next_word(rest);
    return AbortMessage{std::string(host), std::string(rest)};
}

}  // namespace optml::xgboost
