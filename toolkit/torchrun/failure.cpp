#include "toolkit/torchrun/failure.hpp"

#include <algorithm>
#include <cctype>

#include "toolkit/tracebacks/text_lines.hpp"
#include "toolkit/tracebacks/worker_tracebacks.hpp"

namespace optml::torchrun {

namespace {

// torchrun's ChildFailedError table: "Root Cause (first observed failure):" (torch 1.10+;
// "Root Cause:" before) with one "[0]:" entry, and "Failures:" ("Other Failures:" before)
// with the others or "<NO_OTHER_FAILURES>". Each entry has "key : value" lines.
struct Summary {
    std::optional<FailedWorker> root_cause;
    std::vector<FailedWorker> other_failures;
};

std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

bool is_rule(std::string_view line) {
    return !line.empty() && line.find_first_not_of("=-*") == std::string_view::npos;
}

bool is_entry_header(std::string_view line) {
    return line.size() >= 4 && line.starts_with('[') && line.ends_with("]:") &&
           line.substr(1, line.size() - 3).find_first_not_of("0123456789") ==
               std::string_view::npos;
}

// "Signal 9 (SIGKILL) received by PID 12" gives "SIGKILL".
std::string signal_named_in(std::string_view value) {
    const auto at = value.find("Signal ");
    if (at == std::string_view::npos) return {};
    const auto open = value.find(" (SIG", at);
    if (open == std::string_view::npos) return {};
    const auto close = value.find(')', open);
    if (close == std::string_view::npos) return {};
    const std::string_view name = value.substr(open + 2, close - open - 2);
    const bool plain = std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-';
    });
    return plain ? std::string(name) : std::string();
}

void read_field(FailedWorker& worker, std::string_view key, std::string_view value) {
    if (key == "time") {
        worker.time = value;
    } else if (key == "host") {
        worker.host = value;
    } else if (key == "rank") {
        // "3 (local_rank: 1)"
        worker.rank = tracebacks::number_at(value);
        constexpr std::string_view kLocal = "local_rank:";
        if (const auto at = value.find(kLocal); at != std::string_view::npos) {
            worker.local_rank = tracebacks::number_at(trimmed(value.substr(at + kLocal.size())));
        }
    } else if (key == "local_rank") {
        worker.local_rank = tracebacks::number_at(value);
    } else if (key == "exitcode") {
        worker.exit_code = tracebacks::number_at(value);  // "-9 (pid: 12)"
    } else if (worker.signal_name.empty()) {
        worker.signal_name = signal_named_in(value);  // traceback (msg before 1.10)
    }
}

Summary read_summary(const std::vector<tracebacks::WorkerLine>& lines) {
    // The table belongs to the last ChildFailedError; user output before it cannot count.
    std::size_t start = 0;
    for (std::size_t i = lines.size(); i > 0; --i) {
        if (lines[i - 1].text.find("ChildFailedError") != std::string_view::npos) {
            start = i - 1;
            break;
        }
    }
    enum class Section { None, RootCause, Failures };
    Section section = Section::None;
    Summary summary;
    std::optional<FailedWorker> entry;
    const auto close_entry = [&] {
        if (!entry) return;
        // An entry the tail cut before its rank names nobody.
        if (!entry->rank && !entry->local_rank) {
            entry.reset();
            return;
        }
        if (section == Section::RootCause && !summary.root_cause) {
            summary.root_cause = std::move(entry);
        } else {
            summary.other_failures.push_back(std::move(*entry));
        }
        entry.reset();
    };
    for (std::size_t i = start; i < lines.size(); ++i) {
        const std::string_view line = trimmed(lines[i].text);
        if (line.starts_with("Root Cause")) {
            close_entry();
            section = Section::RootCause;
        } else if (line == "Failures:" || line == "Other Failures:") {
            close_entry();
            section = Section::Failures;
        } else if (section == Section::None) {
            continue;
        } else if (is_entry_header(line)) {
            close_entry();
            entry.emplace();
        } else if (is_rule(line)) {
            close_entry();
        } else if (const auto colon = line.find(':'); entry && colon != std::string_view::npos) {
            read_field(*entry, trimmed(line.substr(0, colon)), trimmed(line.substr(colon + 1)));
        }
    }
    close_entry();
    return summary;
}

// torchrun's own process: its launcher's and agent's frames, or an exception of
// torch.distributed.elastic. (A worker passes through elastic/multiprocessing/errors too when
// its script uses @record, so those frames do not count.)
bool is_torchruns_own(const tracebacks::PrintedTraceback& printed) {
    if (printed.rank || printed.local_rank) return false;
    for (const std::string_view frame :
         {"torch/distributed/run.py\"", "torch/distributed/launcher/api.py\"",
          "torch/distributed/elastic/agent/"}) {
        if (printed.text.find(frame) != std::string::npos) return true;
    }
    return printed.exception_line.starts_with("torch.distributed.elastic.");
}

bool is_child_failed_error(std::string_view exception_line) {
    return exception_line.substr(0, exception_line.find(':')).ends_with("ChildFailedError");
}

std::vector<FailedWorker> first_failed(const Summary& summary,
                                       const std::optional<tracebacks::PrintedTraceback>& error) {
    std::vector<FailedWorker> listed;
    if (summary.root_cause) listed.push_back(*summary.root_cause);
    listed.insert(listed.end(), summary.other_failures.begin(), summary.other_failures.end());

    if (error && (error->rank || error->local_rank)) {
        const auto printed_it = [&](const FailedWorker& worker) {
            return error->rank ? worker.rank == error->rank
                               : worker.local_rank == error->local_rank;
        };
        const auto found = std::find_if(listed.begin(), listed.end(), printed_it);
        if (found != listed.end()) return {*found};
        FailedWorker named;
        named.rank = error->rank;
        named.local_rank = error->local_rank;
        return {named};
    }
    if (listed.empty()) return {};

    std::string earliest;
    if (summary.root_cause) {
        earliest = summary.root_cause->time;
    } else {
        for (const FailedWorker& worker : listed) {
            if (!worker.time.empty() && (earliest.empty() || worker.time < earliest)) {
                earliest = worker.time;
            }
        }
    }
    std::vector<FailedWorker> first;
    for (std::size_t i = 0; i < listed.size(); ++i) {
        const bool root_cause = i == 0 && summary.root_cause;
        if (root_cause || listed[i].time == earliest) first.push_back(listed[i]);
    }
    return first;
}

// "rank 3 (local rank 1)", "rank 3 (local rank 1, killed by SIGKILL)", "local rank 1 (exit
// code 3)". Exit code 1 is what Python exits with on an uncaught exception: it adds nothing.
std::string worker_text(const FailedWorker& worker) {
    std::string text;
    std::vector<std::string> details;
    if (worker.rank) {
        text = "rank " + std::to_string(*worker.rank);
        if (worker.local_rank)
            details.push_back("local rank " + std::to_string(*worker.local_rank));
    } else if (worker.local_rank) {
        text = "local rank " + std::to_string(*worker.local_rank);
    } else {
        text = "a worker";
    }
    if (worker.exit_code && *worker.exit_code < 0) {
        details.push_back("killed by " + (worker.signal_name.empty()
                                              ? "signal " + std::to_string(-*worker.exit_code)
                                              : worker.signal_name));
    } else if (worker.exit_code && *worker.exit_code != 1) {
        details.push_back("exit code " + std::to_string(*worker.exit_code));
    }
    for (std::size_t i = 0; i < details.size(); ++i) {
        text += (i == 0 ? " (" : ", ") + details[i];
    }
    if (!details.empty()) text += ")";
    return text;
}

std::string workers_text(const std::vector<FailedWorker>& workers) {
    // Eight GPUs' workers failing together would push the error out of the first line.
    constexpr std::size_t kNamed = 4;
    const std::size_t named = std::min(workers.size(), kNamed);
    std::string text;
    for (std::size_t i = 0; i < named; ++i) {
        if (i > 0) text += i + 1 == named && workers.size() == named ? " and " : ", ";
        text += worker_text(workers[i]);
    }
    if (workers.size() > named) text += " and " + std::to_string(workers.size() - named) + " more";
    return text;
}

}  // namespace

TorchrunFailure read_torchrun_failure(std::string_view stderr_tail) {
    const std::vector<tracebacks::WorkerLine> lines = tracebacks::worker_lines(stderr_tail);
    TorchrunFailure failure;
    std::optional<tracebacks::PrintedTraceback> worker_error;
    for (tracebacks::PrintedTraceback& printed : tracebacks::printed_tracebacks(lines)) {
        if (is_torchruns_own(printed)) {
            if (!is_child_failed_error(printed.exception_line)) {
                failure.torchrun_error_line = printed.exception_line;
            }
        } else if (!worker_error) {
            worker_error = std::move(printed);
        }
    }
    if (worker_error) {
        failure.error_line = worker_error->exception_line;
        failure.traceback = worker_error->text;
    }
    failure.first_failed = first_failed(read_summary(lines), worker_error);
    return failure;
}

std::string describe(const TorchrunFailure& failure, std::string_view what_failed) {
    std::string text(what_failed);
    if (!failure.first_failed.empty()) text += " at " + workers_text(failure.first_failed);
    if (!failure.error_line.empty()) {
        text += failure.first_failed.size() > 1 ? "; first error printed: " : ": ";
        text += failure.error_line;
    } else if (failure.first_failed.empty() && !failure.torchrun_error_line.empty()) {
        text += ": torchrun's own error: " + failure.torchrun_error_line;
    } else {
        text += ".";
    }
    return text;
}

}  // namespace optml::torchrun
