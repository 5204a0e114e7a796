#pragma once

namespace optml::app {

// The `train` command: parses --help/--version, otherwise runs the job described under the
// base dir and returns train's exit code.
int train_main(int argc, char** argv);

}  // namespace optml::app
