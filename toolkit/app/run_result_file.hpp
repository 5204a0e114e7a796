#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "toolkit/reporting/run_report.hpp"

namespace optml::app {

// The variable through which the job's train asks every run-entry-point of its framework
// process to leave a copy of its result, and the name of that copy (the last run's wins).
inline constexpr const char* kRunResultsDirVariable = "OPTML_RUN_RESULTS_DIR";
inline constexpr const char* kLastRunResultName = "last-run.json";

// The result file of RUN_ENTRY_POINT.md: the report's fields and `command` (what ran, never
// its arguments). Written whole under a temporary name and renamed into place, so a reader
// never sees half of it. Returns false, after logging why, when it cannot be written.
bool write_run_result(const std::filesystem::path& file, const reporting::RunReport& report,
                      const std::string& command);

// The last run's result left in `folder`; nullopt when there is none or it cannot be read.
std::optional<reporting::RunReport> read_last_run_result(const std::filesystem::path& folder);

}  // namespace optml::app
