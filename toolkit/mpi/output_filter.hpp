#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "toolkit/mpi/tag.hpp"
#include "toolkit/process/line_filter.hpp"

namespace optml::mpi {

// What train's rank mode writes to the rank's stdout and to its stderr before the program
// starts: mpirun tags it like any output, which tells the leader where that rank runs,
// whatever options placed it.
std::string rank_host_announcement(std::string_view host);

// The leader's filter for one of mpirun's output streams (--tag-output).
// - Puts the rank's host before mpirun's tag: "[1,3]<stdout>:loss 0.2" becomes
//   "[algo-2][1,3]<stdout>:loss 0.2", so the "[1,3]<stdout>:" text users match stays whole.
//   The host comes from the rank's announcement, which is dropped; until it comes (only
//   mpirun's own notices) tags stay plain.
// - Mends lines mpirun split: it tags every chunk it reads from a rank (4 KiB or less), so a
//   line a rank wrote in one go can come as "[1,3]<stdout>:loss 0.[1,3]<stdout>:25\n", or
//   with other ranks' output in between. Each rank's part is held until its line ends and
//   then written once, whole, behind one tag; a part that waited partial_line_wait (a
//   progress bar) goes as it is.
// One filter per stream: ranks announce on both.
class MpiOutputFilter : public process::LineFilter {
  public:
    void rewrite(std::string_view line, std::string& out) override;
    std::optional<Clock::time_point> held_since() const override;
    void release(Clock::time_point cutoff, std::string& out) override;

    // Where each rank said it runs.
    const RankHosts& hosts() const { return hosts_; }

  private:
    struct HeldPart {
        RankId id;
        std::string text;
        Clock::time_point since;
    };
    struct Segment {
        std::string tag;  // as mpirun wrote it, "[1,3]<stdout>:"
        RankId id;
    };

    void take_segment(const Segment& segment, std::string_view data, std::string& out);
    void write_line(std::string_view tag, RankId id, std::string_view text, std::string& out) const;

    RankHosts hosts_;
    std::map<std::string, HeldPart, std::less<>> held_;  // by tag
    // The segment a piece of a line left unfinished: the next call's untagged start is its.
    std::optional<Segment> continuing_;
};

}  // namespace optml::mpi
