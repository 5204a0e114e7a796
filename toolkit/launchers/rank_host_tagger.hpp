#pragma once

#include <string>
#include <string_view>

#include "toolkit/launchers/mpi_tag.hpp"
#include "toolkit/process/line_filter.hpp"

namespace optml::launchers {

// What train's rank mode writes to the rank's stdout and to its stderr before the program
// starts: mpirun tags it like any output, which tells the leader where that rank runs,
// whatever options placed it.
std::string rank_host_announcement(std::string_view host);

// Puts the host before mpirun's rank tags on the leader: "[1,3]<stdout>:loss 0.2" becomes
// "[algo-2][1,3]<stdout>:loss 0.2", so the "[1,3]<stdout>:" text users match stays whole.
// The announcement lines themselves are dropped. A rank's lines before its announcement (it
// comes first on each stream, so only mpirun's own notices) keep the plain tag. One tagger per
// stream: ranks announce on both.
class RankHostTagger : public process::LineFilter {
  public:
    void rewrite(std::string_view line, std::string& out) override;

    const RankHosts& hosts() const { return hosts_; }

  private:
    RankHosts hosts_;
};

}  // namespace optml::launchers
