#include "toolkit/app/entry_point_spec.hpp"

#include <array>
#include <system_error>
#include <utility>

#include "toolkit/config/config_files.hpp"
#include "toolkit/errors/error.hpp"

namespace optml::app {

namespace {

constexpr std::array<std::pair<std::string_view, SpecRunner>, 5> kRunners = {{
    {"Process", SpecRunner::Process},
    {"MPI", SpecRunner::Mpi},
    {"SMDataParallel", SpecRunner::SmDataParallel},
    {"PyTorchXLA", SpecRunner::PyTorchXla},
    {"TorchDistributed", SpecRunner::TorchDistributed},
}};

// Every problem is one sentence naming the spec file and the key; values stay out of it.
class SpecReader {
  public:
    SpecReader(const pyjson::Dict& document, const std::string& file)
        : document_(document), file_(file) {}

    [[noreturn]] void fail(std::string_view key, const std::string& problem) const {
        throw errors::Error(errors::ErrorKind::Configuration, "The run-entry-point spec " + file_ +
                                                                  ": key '" + std::string(key) +
                                                                  "' " + problem + ".");
    }

    const pyjson::Value& required(std::string_view key) const {
        const pyjson::Value* value = document_.find(key);
        if (value == nullptr) fail(key, "is missing");
        return *value;
    }

    [[noreturn]] void wrong_type(std::string_view key, std::string_view wanted,
                                 const pyjson::Value& value) const {
        fail(key, "must be " + std::string(wanted) + ", not " + std::string(value.type_name()));
    }

    std::string text(std::string_view key) const {
        const pyjson::Value& value = required(key);
        if (!value.is_str()) wrong_type(key, "a string", value);
        return value.as_str();
    }

    std::optional<std::string> text_or_null(std::string_view key) const {
        const pyjson::Value& value = required(key);
        if (value.is_none()) return std::nullopt;
        if (!value.is_str()) wrong_type(key, "a string or null", value);
        return value.as_str();
    }

    std::vector<std::string> text_list(std::string_view key) const {
        const pyjson::Value& value = required(key);
        if (!value.is_list()) wrong_type(key, "a list of strings", value);
        std::vector<std::string> texts;
        for (const pyjson::Value& item : value.as_list()) {
            if (!item.is_str()) {
                fail(key, "must be a list of strings, but item " + std::to_string(texts.size()) +
                              " is a " + std::string(item.type_name()));
            }
            texts.push_back(item.as_str());
        }
        return texts;
    }

    // The program's environment: names must be what execve can pass on.
    system::EnvironmentSnapshot environment(std::string_view key) const {
        const pyjson::Value& value = required(key);
        if (!value.is_dict()) wrong_type(key, "an object of strings", value);
        system::EnvironmentSnapshot::Variables variables;
        for (const auto& [name, item] : value.as_dict()) {
            if (name.empty() || name.find('=') != std::string::npos ||
                name.find('\0') != std::string::npos) {
                fail(key, "holds a variable name that is empty or contains '=' or NUL");
            }
            if (!item.is_str()) {
                fail(key, "must map names to strings, but the variable " + name + " is a " +
                              std::string(item.type_name()));
            }
            if (item.as_str().find('\0') != std::string::npos)
                fail(key, "holds a NUL character in the variable " + name);
            variables.emplace(name, item.as_str());
        }
        return system::EnvironmentSnapshot(std::move(variables));
    }

    SpecRunner runner(std::string_view key) const {
        const std::string name = text(key);
        for (const auto& [known, runner] : kRunners) {
            if (name == known) return runner;
        }
        // The runner types are fixed names, not secrets.
        fail(key, "names no runner train knows ('" + name.substr(0, 40) +
                      "'; Process, MPI, SMDataParallel, PyTorchXLA or TorchDistributed)");
    }

  private:
    const pyjson::Dict& document_;
    const std::string& file_;
};

}  // namespace

std::string_view spec_runner_name(SpecRunner runner) {
    for (const auto& [name, known] : kRunners) {
        if (known == runner) return name;
    }
    return "Process";
}

EntryPointSpec parse_entry_point_spec(const pyjson::Dict& document, const std::string& file) {
    const SpecReader reader(document, file);
    const pyjson::Value& version = reader.required("version");
    if (!version.is_int() || version.is_bool()) reader.wrong_type("version", "an integer", version);
    if (!version.fits_int64() || version.as_int64() != kEntryPointSpecVersion) {
        reader.fail("version", "names a spec version this train does not read (it reads " +
                                   std::to_string(kEntryPointSpecVersion) +
                                   "): the optml Python package and train come from different "
                                   "releases");
    }

    EntryPointSpec spec;
    spec.uri = reader.text_or_null("uri");
    spec.code_dir = reader.text("code_dir");
    if (spec.code_dir.empty() || !spec.code_dir.is_absolute())
        reader.fail("code_dir", "must be an absolute path");
    spec.entry_point = reader.text_or_null("entry_point");
    spec.module = reader.text_or_null("module");
    if (spec.entry_point.has_value() == spec.module.has_value()) {
        reader.fail(spec.entry_point ? "module" : "entry_point",
                    "must be null when the other of entry_point and module is given, and a "
                    "string otherwise (exactly one names the program)");
    }
    if (spec.entry_point && spec.entry_point->empty())
        reader.fail("entry_point", "must not be empty");
    if (spec.module && spec.module->empty()) reader.fail("module", "must not be empty");
    spec.arguments = reader.text_list("args");
    spec.environment = reader.environment("environment");
    spec.runner = reader.runner("runner");

    const pyjson::Value& extra_opts = reader.required("extra_opts");
    if (extra_opts.is_dict()) {
        spec.extra_opts = extra_opts.as_dict();
    } else if (!extra_opts.is_none()) {
        reader.wrong_type("extra_opts", "an object", extra_opts);
    }
    const pyjson::Value& capture_error = reader.required("capture_error");
    if (!capture_error.is_bool())
        reader.wrong_type("capture_error", "true or false", capture_error);
    spec.capture_error = capture_error.as_bool();
    spec.result_file = reader.text("result_file");
    if (spec.result_file.empty() || !spec.result_file.is_absolute())
        reader.fail("result_file", "must be an absolute path");
    return spec;
}

EntryPointSpec read_entry_point_spec(const std::filesystem::path& file) {
    std::error_code error;
    if (!std::filesystem::exists(file, error)) {
        throw errors::Error(errors::ErrorKind::Configuration,
                            "The run-entry-point spec " + file.string() + " does not exist.");
    }
    return parse_entry_point_spec(config::read_config_object(file), file.string());
}

}  // namespace optml::app
