#include "toolkit/mpi/output_filter.hpp"

#include <utility>

namespace optml::mpi {

namespace {

constexpr std::string_view kAnnouncement = "optml-rank-host ";

// The host of a whole announcement line ("optml-rank-host algo-2\n").
std::optional<std::string_view> announced_host(std::string_view text) {
    if (!text.starts_with(kAnnouncement) || !text.ends_with('\n')) return std::nullopt;
    text.remove_prefix(kAnnouncement.size());
    text.remove_suffix(1);
    if (!is_host_name(text)) return std::nullopt;
    return text;
}

struct FoundTag {
    std::size_t at = std::string_view::npos;
    MpiTag tag;
};

// The first of mpirun's own tags at or after `from`. One that already carries a host (text a
// rank printed, copied from such output) is skipped whole.
FoundTag find_tag(std::string_view line, std::size_t from) {
    std::size_t at = line.find('[', from);
    while (at != std::string_view::npos) {
        const std::optional<MpiTag> tag = parse_mpi_tag(line.substr(at));
        if (tag && tag->host.empty()) return {at, *tag};
        at = line.find('[', tag ? at + tag->length : at + 1);
    }
    return {};
}

}  // namespace

std::string rank_host_announcement(std::string_view host) {
    return std::string(kAnnouncement) + std::string(host) + "\n";
}

void MpiOutputFilter::rewrite(std::string_view line, std::string& out) {
    FoundTag found = find_tag(line, 0);
    const bool tagged = found.at != std::string_view::npos;
    const std::string_view untagged_start = line.substr(0, found.at);
    std::optional<Segment> continued = std::exchange(continuing_, std::nullopt);
    if (continued) {
        take_segment(*continued, untagged_start, out);
    } else if (!announced_host(untagged_start)) {
        // mpirun's own text; an untagged announcement means custom options such as
        // --output-filename turned tags off: nothing to learn from it.
        out.append(untagged_start);
    }
    while (found.at != std::string_view::npos) {
        const std::size_t data_start = found.at + found.tag.length;
        const FoundTag next = find_tag(line, data_start);
        Segment segment{std::string(line.substr(found.at, found.tag.length)), found.tag.id};
        const std::string_view data = line.substr(data_start, next.at - data_start);
        if (next.at == std::string_view::npos && !line.ends_with('\n')) {
            continuing_ = segment;
        }
        take_segment(segment, data, out);
        found = next;
    }
    if (!tagged && continued && !line.ends_with('\n')) {
        continuing_ = continued;
    }
}

void MpiOutputFilter::take_segment(const Segment& segment, std::string_view data,
                                   std::string& out) {
    const auto held = held_.find(segment.tag);
    if (held == held_.end()) {
        if (const auto host = announced_host(data)) {
            hosts_[segment.id] = std::string(*host);
        } else if (data.ends_with('\n')) {
            write_line(segment.tag, segment.id, data, out);  // the usual case: nothing held
        } else if (!data.empty()) {
            held_.emplace(segment.tag, HeldPart{segment.id, std::string(data), Clock::now()});
        }
        return;
    }
    held->second.text.append(data);
    if (data.ends_with('\n') || held->second.text.size() >= process::longest_held_line) {
        write_line(segment.tag, segment.id, held->second.text, out);
        held_.erase(held);
    }
}

void MpiOutputFilter::write_line(std::string_view tag, RankId id, std::string_view text,
                                 std::string& out) const {
    if (const auto host = hosts_.find(id); host != hosts_.end()) {
        out += '[';
        out += host->second;
        out += ']';
    }
    out += tag;
    out += text;
}

std::optional<MpiOutputFilter::Clock::time_point> MpiOutputFilter::held_since() const {
    std::optional<Clock::time_point> oldest;
    for (const auto& [tag, part] : held_) {
        if (!oldest || part.since < *oldest) oldest = part.since;
    }
    return oldest;
}

void MpiOutputFilter::release(Clock::time_point cutoff, std::string& out) {
    for (auto part = held_.begin(); part != held_.end();) {
        if (part->second.since <= cutoff) {
            write_line(part->first, part->second.id, part->second.text, out);
            part = held_.erase(part);
        } else {
            ++part;
        }
    }
}

}  // namespace optml::mpi
