#include "toolkit/mpi/failure.hpp"

#include <map>

#include "toolkit/tracebacks/text_lines.hpp"
#include "toolkit/tracebacks/worker_tracebacks.hpp"

namespace optml::mpi {

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

// The rank number after `marker` in a line of mpirun's own notices.
std::optional<long long> rank_after(std::string_view line, std::string_view marker) {
    const auto at = line.find(marker);
    if (at == std::string_view::npos) return std::nullopt;
    return tracebacks::number_at(line.substr(at + marker.size()));
}

// "MPI_ABORT was invoked on rank 2 in communicator ..." or, after "exited with non-zero
// status", "  Process name: [[64744,1],2]".
std::optional<long long> rank_named_by_mpirun(std::string_view line) {
    if (auto rank = rank_after(line, "MPI_ABORT was invoked on rank ")) return rank;
    const auto at = line.find("Process name: [[");
    if (at == std::string_view::npos) return std::nullopt;
    const auto close = line.find("],", at);
    if (close == std::string_view::npos) return std::nullopt;
    return tracebacks::number_at(line.substr(close + 2));
}

}  // namespace

RankFailure find_failed_rank(std::string_view stderr_tail, const RankHosts& rank_hosts) {
    std::vector<tracebacks::WorkerLine>
        lines;  // a rank's tagged lines are its own, the rest mpirun's
    std::map<long long, TaggedLine> last_line;
    std::optional<long long> named_by_mpirun;
    for (const std::string_view line : tracebacks::lines_of(stderr_tail)) {
        if (auto tagged = parse_tag(line)) {
            lines.push_back({tagged->text, tagged->id.rank, std::nullopt});
            if (!tagged->text.empty()) last_line[tagged->id.rank] = *tagged;
            continue;
        }
        lines.push_back({line, std::nullopt, std::nullopt});
        if (!named_by_mpirun) named_by_mpirun = rank_named_by_mpirun(line);
    }

    RankFailure failure;
    for (tracebacks::PrintedTraceback& printed : tracebacks::printed_tracebacks(lines)) {
        if (!printed.rank) continue;  // not printed by a rank
        failure.rank = printed.rank;
        failure.error_line = std::move(printed.exception_line);
        failure.traceback = std::move(printed.text);
        break;
    }
    if (!failure.rank && named_by_mpirun) {
        failure.rank = named_by_mpirun;
        if (auto found = last_line.find(*named_by_mpirun); found != last_line.end()) {
            failure.error_line = std::string(found->second.text);
        }
    }
    if (!failure.rank) return failure;
    // mpirun's notices name ranks of the job it started, local job 1.
    RankId id{1, *failure.rank};
    if (auto tagged = last_line.find(*failure.rank); tagged != last_line.end()) {
        id = tagged->second.id;
        failure.host = std::string(tagged->second.host);
    }
    if (auto known = rank_hosts.find(id); failure.host.empty() && known != rank_hosts.end()) {
        failure.host = known->second;
    }
    return failure;
}

std::string untagged(std::string_view stderr_tail) {
    std::string text;
    text.reserve(stderr_tail.size());
    const auto lines = tracebacks::lines_of(stderr_tail);
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

}  // namespace optml::mpi
