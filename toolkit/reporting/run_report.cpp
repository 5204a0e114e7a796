#include "toolkit/reporting/run_report.hpp"

#include <array>
#include <string_view>

namespace optml::reporting {

namespace {

// Enough for the exception line and the frames above it, and for a native program's last
// lines (PyTorch's toolkit looks for gloo's abort message in the text).
constexpr std::size_t kRunTailShown = 2048;

// The classes the toolkits' Python side knows; any other verdict class (Stopped,
// ClusterError, ...) reaches the toolkit as ExecuteUserScriptError, its text unchanged.
constexpr std::array<std::string_view, 4> kToolkitClasses = {
    "ExecuteUserScriptError", "InstallRequirementsError", "InstallModuleError",
    "ImportModuleError"};

std::string_view class_of(const std::string& failure_reason) {
    const std::size_t end = failure_reason.find(":\n");
    return std::string_view(failure_reason).substr(0, end == std::string::npos ? 0 : end);
}

std::string toolkit_class(std::string_view verdict_class) {
    for (std::string_view known : kToolkitClasses) {
        if (known == verdict_class) return std::string(known);
    }
    return std::string(kToolkitClasses.front());
}

}  // namespace

RunReport run_report(const Verdict& verdict) {
    RunReport report;
    report.exit_code = verdict.exit_code;
    if (verdict.succeeded()) return report;
    const std::string& reason = *verdict.failure_reason;
    const std::string_view verdict_class = class_of(reason);
    report.error_class = toolkit_class(verdict_class);
    // An error before or around the program has no stderr of its own: its sentence is the text.
    const std::string_view text =
        verdict.error_text.empty()
            ? std::string_view(reason).substr(verdict_class.empty() ? 0 : verdict_class.size() + 2)
            : std::string_view(verdict.error_text);
    report.stderr_tail = error_message_from_stderr(text, kRunTailShown);
    report.extra_info = verdict.extra_info;
    report.failure_text = reason;
    return report;
}

Verdict verdict_for_framework(const Verdict& framework, const std::optional<RunReport>& last_run) {
    if (framework.succeeded() || !last_run || !last_run->failed() || !last_run->failure_text)
        return framework;
    if (framework.error_text.find(*last_run->error_class) == std::string::npos) return framework;
    Verdict verdict;
    verdict.exit_code = last_run->exit_code != 0 ? last_run->exit_code : framework.exit_code;
    verdict.failure_reason = *last_run->failure_text;
    verdict.error_text = last_run->stderr_tail;
    verdict.extra_info = last_run->extra_info;
    return verdict;
}

}  // namespace optml::reporting
