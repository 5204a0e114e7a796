#pragma once

#include <optional>
#include <string>

#include "toolkit/reporting/verdict.hpp"

namespace optml::reporting {

// What `train run-entry-point` tells the framework toolkit about one run: the result file of
// python/src/optml_toolkit/compat/RUN_ENTRY_POINT.md.
struct RunReport {
    int exit_code = 0;
    // The class the toolkit raises: ExecuteUserScriptError, InstallRequirementsError,
    // InstallModuleError or ImportModuleError; nullopt on success.
    std::optional<std::string> error_class;
    std::string stderr_tail;  // what the error's ErrorMessage shows, the exception line first
    std::optional<std::string> extra_info;    // how a signal or a stop ended the program
    std::optional<std::string> failure_text;  // the job's failure file, should this fail it

    bool failed() const { return error_class.has_value(); }
};

RunReport run_report(const Verdict& verdict);

// The job's verdict when its framework process (SAGEMAKER_TRAINING_MODULE) ended as
// `framework` after the last program it handed to run-entry-point ended as `last_run`. When
// the framework failed by raising that run's error (the class is in its stderr), the job fails
// with the run's own text and exit code: the program's exception first, no command line, no
// framework traceback around it. A run whose error the framework swallowed (PyTorch's gloo
// rule) changes nothing, and neither does a framework that failed for a reason of its own.
Verdict verdict_for_framework(const Verdict& framework, const std::optional<RunReport>& last_run);

}  // namespace optml::reporting
