#pragma once

namespace optml::mpi {

// The hidden first argument of train's rank mode, put before the program on every MPI rank:
// `train --mpi-rank -- PROGRAM ARGS...`.
inline constexpr const char* kRankModeFlag = "--mpi-rank";

// mpirun gives every rank the leader's variables, so a rank on algo-3 would be told it runs on
// algo-1. Running on the rank's own host, this reads that host's resourceconfig.json
// ($SAGEMAKER_BASE_DIR/input/config), sets SM_CURRENT_HOST and CURRENT_HOST to its
// current_host and execs PROGRAM (PATH search, no shell). Only returns on failure, with the
// exit code: 2 for a malformed call or config file, 127 when PROGRAM cannot be executed.
// Nothing is written anywhere: the variables live in this process only.
int run_rank(int argc, char** argv);

}  // namespace optml::mpi
