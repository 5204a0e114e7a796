#pragma once

#include <string_view>

namespace optml::logging {

// train's own log lines: one line per event, timestamped, on stderr. spdlog lives behind
// this header only. Callers log names of variables and hyperparameters, never their values
// (they carry secrets).

// Python logging levels as the job configures them (sagemaker_container_log_level):
// 10 DEBUG, 20 INFO, 30 WARNING, 40 ERROR, 50 CRITICAL; anything between rounds down.
void set_python_level(long long level);

void debug(std::string_view message);
void info(std::string_view message);
void warn(std::string_view message);
void error(std::string_view message);

}  // namespace optml::logging
