#include "toolkit/launchers/rank_host_tagger.hpp"

#include <optional>

namespace optml::launchers {

namespace {

constexpr std::string_view kAnnouncement = "optml-rank-host ";

// The host of an announcement line ("optml-rank-host algo-2\n"), which `text` starts with.
std::optional<std::string_view> announced_host(std::string_view text) {
    if (!text.starts_with(kAnnouncement)) return std::nullopt;
    text.remove_prefix(kAnnouncement.size());
    if (text.ends_with('\n')) text.remove_suffix(1);
    if (!is_host_name(text)) return std::nullopt;
    return text;
}

}  // namespace

std::string rank_host_announcement(std::string_view host) {
    return std::string(kAnnouncement) + std::string(host) + "\n";
}

void RankHostTagger::rewrite(std::string_view line, std::string& out) {
    // Without --tag-output (a custom --output-filename, say) announcements come untagged.
    if (announced_host(line)) return;
    // mpirun tags every chunk a rank writes, so a rank's partial line can be followed by
    // another rank's tag in the middle of a line: look for tags everywhere.
    std::size_t copied = 0;
    std::size_t at = 0;
    while ((at = line.find('[', at)) != std::string_view::npos) {
        const std::optional<MpiTag> tag = parse_mpi_tag(line.substr(at));
        if (!tag) {
            ++at;
            continue;
        }
        out.append(line.substr(copied, at - copied));
        copied = at;
        if (!tag->host.empty()) {
            at += tag->length;  // already carries a host: leave it as it is
            continue;
        }
        if (const auto host = announced_host(line.substr(at + tag->length))) {
            hosts_[tag->id] = std::string(*host);
            return;  // the announcement ends the line
        }
        if (const auto known = hosts_.find(tag->id); known != hosts_.end()) {
            out += '[';
            out += known->second;
            out += ']';
        }
        at += tag->length;
    }
    out.append(line.substr(copied));
}

}  // namespace optml::launchers
