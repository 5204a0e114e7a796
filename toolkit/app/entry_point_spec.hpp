#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toolkit/pyjson/value.hpp"
#include "toolkit/system/environment.hpp"

namespace optml::app {

// The runner a framework toolkit chose (its RunnerType); run-entry-point does not choose again.
enum class SpecRunner { Process, Mpi, SmDataParallel, PyTorchXla, TorchDistributed };

std::string_view spec_runner_name(SpecRunner runner);

// What `train run-entry-point --spec FILE` is asked to run: the contract is
// python/src/optml_toolkit/compat/RUN_ENTRY_POINT.md (version 1).
struct EntryPointSpec {
    std::optional<std::string> uri;  // where the code is, for an empty code dir
    std::filesystem::path code_dir;
    std::optional<std::string> entry_point;  // a file in the code dir, run by its kind
    std::optional<std::string> module;       // python -m MODULE (exactly one of the two)
    std::vector<std::string> arguments;
    system::EnvironmentSnapshot environment;  // the program's whole environment
    SpecRunner runner = SpecRunner::Process;
    pyjson::Dict extra_opts;
    bool capture_error = false;
    std::filesystem::path result_file;
};

inline constexpr long long kEntryPointSpecVersion = 1;

// The spec from its JSON object; `file` only names it in errors. Throws
// errors::Error(Configuration) with one sentence naming the file and the key that is missing,
// of the wrong type or out of range, never quoting a value (the environment may hold secrets).
EntryPointSpec parse_entry_point_spec(const pyjson::Dict& document, const std::string& file);

// Reads the file (a regular file of at most 64 MiB holding a JSON object) and parses it;
// throws errors::Error(Configuration) naming the file or the key.
EntryPointSpec read_entry_point_spec(const std::filesystem::path& file);

}  // namespace optml::app
