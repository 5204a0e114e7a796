#include "toolkit/mpi/tag.hpp"

#include <algorithm>
#include <cctype>

#include "toolkit/tracebacks/text_lines.hpp"

namespace optml::mpi {

namespace {

constexpr std::size_t kLongestHostName = 253;

// A rank or job number: no sign.
std::optional<tracebacks::LeadingNumber> leading_count(std::string_view text) {
    if (text.starts_with('-')) return std::nullopt;
    return tracebacks::leading_number(text);
}

// "[1,2]<stderr>:" without a host.
std::optional<MpiTag> parse_rank_tag(std::string_view text) {
    if (!text.starts_with('[')) return std::nullopt;
    std::size_t at = 1;
    const auto job = leading_count(text.substr(at));
    if (!job) return std::nullopt;
    at += job->length;
    if (text.substr(at, 1) != ",") return std::nullopt;
    ++at;
    const auto rank = leading_count(text.substr(at));
    if (!rank) return std::nullopt;
    at += rank->length;
    if (text.substr(at, 2) != "]<") return std::nullopt;
    at += 2;
    const std::size_t stream_end = text.find(">:", at);
    if (stream_end == std::string_view::npos || stream_end == at) return std::nullopt;
    const std::string_view stream = text.substr(at, stream_end - at);
    if (!std::all_of(stream.begin(), stream.end(),
                     [](unsigned char c) { return std::islower(c) != 0; })) {
        return std::nullopt;
    }
    return MpiTag{{job->value, rank->value}, {}, stream_end + 2};
}

}  // namespace

bool is_host_name(std::string_view text) {
    return !text.empty() && text.size() <= kLongestHostName &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) {
               return std::isalnum(c) != 0 || c == '.' || c == '-' || c == '_';
           });
}

std::optional<MpiTag> parse_mpi_tag(std::string_view text) {
    if (auto plain = parse_rank_tag(text)) return plain;
    if (!text.starts_with('[')) return std::nullopt;
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view host = text.substr(1, close - 1);
    if (!is_host_name(host)) return std::nullopt;
    auto tag = parse_rank_tag(text.substr(close + 1));
    if (!tag) return std::nullopt;
    tag->host = host;
    tag->length += close + 1;
    return tag;
}

}  // namespace optml::mpi
