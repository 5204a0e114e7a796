#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolkit/mpi/tag.hpp"

namespace optml::mpi {

// Which rank made an MPI job fail, read from mpirun's stderr (--tag-output lines
// "[job,rank]<stderr>:text", also with a "[host]" before them, MPI_ABORT and non-zero-exit
// notices).
struct RankFailure {
    std::optional<long long> rank;
    std::string host;        // from the rank's tags or announcement; empty when unknown
    std::string error_line;  // the rank's exception line, else its last stderr line
    std::string traceback;   // the rank's Python traceback as printed, without tags; or ""
};

// The first rank whose Python traceback ended (worker_tracebacks.hpp keeps each rank's lines
// apart), else the rank mpirun names as having called MPI_ABORT or exited non-zero.
// `rank_hosts` names the host of a rank whose lines in the tail carry none.
RankFailure find_failed_rank(std::string_view stderr_tail, const RankHosts& rank_hosts);

// The tail with the "[host][job,rank]<stderr>:" tags removed, so the failure text shows the
// program's own lines (the summary already names the rank).
std::string untagged(std::string_view stderr_tail);

// "rank 2 on algo-3: ValueError: boom", or "" when no rank is known.
std::string describe(const RankFailure& failure);

}  // namespace optml::mpi
