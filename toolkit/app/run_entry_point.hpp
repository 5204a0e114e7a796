#pragma once

#include <string_view>

namespace optml::app {

inline constexpr std::string_view kRunEntryPointCommand = "run-entry-point";

// `train run-entry-point --spec FILE`: runs one program a framework toolkit hands over
// (python/src/optml_toolkit/compat/RUN_ENTRY_POINT.md): the code when the code dir is empty,
// requirements once per job, a package's pip install, the toolkit's runner under the
// supervisor; then the result file (and its copy in OPTML_RUN_RESULTS_DIR). Writes no
// output/success or output/failure: the job's train does, once. Returns the exit code: the
// program's (128+N for signal N), or the error's for a step before it. `argv[1]` is the
// command's name; signals are already set up by train_main.
int run_entry_point_main(int argc, char** argv);

}  // namespace optml::app
