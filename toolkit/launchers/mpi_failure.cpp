#include "toolkit/launchers/mpi_failure.hpp"

#include <cctype>
#include <map>

#include "toolkit/launchers/text_lines.hpp"

namespace optml::launchers {

namespace {

struct TaggedLine {
    RankId id;
    std::string_view host;
    std::string_view text;
};

// "[1,2]<stderr>:text" (or <stdout>), also after "[host]": rank 2, "text".
std::optional<TaggedLine> parse_tag(std::string_view line) {
    const std::optional<MpiTag> tag = parse_mpi_tag(line);
    if (!tag) return std::nullopt;
    return TaggedLine{tag->id, tag->host, line.substr(tag->length)};
}

// "ValueError: boom", "mpi4py.MPI.Exception: ...", "KeyboardInterrupt": a Python exception line.
bool is_exception_line(std::string_view line) {
    if (line.empty() ||
        !(std::isalpha(static_cast<unsigned char>(line.front())) || line.front() == '_')) {
        return false;
    }
    const auto name_end =
        line.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.");
    const std::string_view name = line.substr(0, name_end);
    const bool exception_name = name.ends_with("Error") || name.ends_with("Exception") ||
                                name.ends_with("Exit") || name.ends_with("Interrupt");
    return exception_name && (name_end == std::string_view::npos || line[name_end] == ':');
}

// The rank number after `marker` in a line of mpirun's own notices.
std::optional<long long> rank_after(std::string_view line, std::string_view marker) {
    const auto at = line.find(marker);
    if (at == std::string_view::npos) return std::nullopt;
    return number_at(line.substr(at + marker.size()));
}

}  // namespace

RankFailure find_failed_rank(std::string_view stderr_tail, const RankHosts& rank_hosts) {
    RankFailure failure;
    std::map<long long, TaggedLine> last_line;
    std::optional<RankId> failed;
    std::optional<long long> named_by_mpirun;
    for (const std::string_view line : lines_of(stderr_tail)) {
        if (auto tagged = parse_tag(line)) {
            if (!tagged->text.empty()) last_line[tagged->id.rank] = *tagged;
            if (!failed && is_exception_line(tagged->text)) {
                failed = tagged->id;
                failure.host = std::string(tagged->host);
                failure.error_line = std::string(tagged->text);
            }
            continue;
        }
        if (named_by_mpirun) continue;
        named_by_mpirun = rank_after(line, "MPI_ABORT was invoked on rank ");
        if (!named_by_mpirun) {
            // "  Process name: [[64744,1],2]" after "exited with non-zero status".
            const auto at = line.find("Process name: [[");
            if (at != std::string_view::npos) {
                const auto close = line.find("],", at);
                if (close != std::string_view::npos) {
                    named_by_mpirun = number_at(line.substr(close + 2));
                }
            }
        }
    }
    if (!failed && named_by_mpirun) {
        // mpirun's notices name ranks of the job it started, local job 1.
        failed = RankId{1, *named_by_mpirun};
        if (auto found = last_line.find(*named_by_mpirun); found != last_line.end()) {
            failure.error_line = std::string(found->second.text);
            failure.host = std::string(found->second.host);
        }
    }
    if (!failed) return failure;
    failure.rank = failed->rank;
    if (failure.host.empty()) {
        if (auto known = rank_hosts.find(*failed); known != rank_hosts.end()) {
            failure.host = known->second;
        }
    }
    return failure;
}

std::string untagged(std::string_view stderr_tail) {
    std::string text;
    text.reserve(stderr_tail.size());
    const auto lines = lines_of(stderr_tail);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto tagged = parse_tag(lines[i]);
        text += tagged ? tagged->text : lines[i];
        if (i + 1 < lines.size() || stderr_tail.ends_with('\n')) text += '\n';
    }
    return text;
}

std::string describe(const RankFailure& failure) {
    if (!failure.rank) return "";
    std::string text = "rank " + std::to_string(*failure.rank);
    if (!failure.host.empty()) text += " on " + failure.host;
    if (!failure.error_line.empty()) text += ": " + failure.error_line;
    return text;
}

}  // namespace optml::launchers
