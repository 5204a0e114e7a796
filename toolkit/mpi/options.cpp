#include "toolkit/mpi/options.hpp"

#include <algorithm>
#include <array>

#include "toolkit/errors/error.hpp"

namespace optml::mpi {

namespace {

struct KnownOption {
    std::string_view name;  // without leading dashes
    std::string_view key;   // canonical name shared by aliases
    std::size_t values;
};

// mpirun (OpenMPI 4) options whose values must stay with them when grouping.
constexpr std::array<KnownOption, 34> kKnownOptions = {{
    {"mca", "mca", 2},
    {"gmca", "gmca", 2},
    {"x", "x", 1},
    {"np", "np", 1},
    {"n", "np", 1},
    {"c", "np", 1},
    {"host", "host", 1},
    {"H", "host", 1},
    {"hostfile", "hostfile", 1},
    {"machinefile", "hostfile", 1},
    {"bind-to", "bind-to", 1},
    {"map-by", "map-by", 1},
    {"rank-by", "rank-by", 1},
    {"npernode", "npernode", 1},
    {"npersocket", "npersocket", 1},
    {"wdir", "wdir", 1},
    {"wd", "wdir", 1},
    {"prefix", "prefix", 1},
    {"output-filename", "output-filename", 1},
    {"timeout", "timeout", 1},
    {"cpus-per-proc", "cpus-per-proc", 1},
    {"cpus-per-rank", "cpus-per-proc", 1},
    {"allow-run-as-root", "allow-run-as-root", 0},
    {"display-map", "display-map", 0},
    {"tag-output", "tag-output", 0},
    {"timestamp-output", "timestamp-output", 0},
    {"report-bindings", "report-bindings", 0},
    {"oversubscribe", "oversubscribe", 0},
    {"nooversubscribe", "oversubscribe", 0},
    {"merge-stderr-to-stdout", "merge-stderr-to-stdout", 0},
    {"quiet", "quiet", 0},
    {"q", "quiet", 0},
    {"verbose", "verbose", 0},
    {"v", "verbose", 0},
}};

constexpr std::string_view kNcclDebugFlag = "NCCL_DEBUG";

const KnownOption* find_known(std::string_view name) {
    auto found = std::find_if(kKnownOptions.begin(), kKnownOptions.end(),
                              [&](const KnownOption& option) { return option.name == name; });
    return found == kKnownOptions.end() ? nullptr : &*found;
}

bool is_option_word(const std::string& word) {
    return word.size() > 1 && word.front() == '-';
}

std::string_view without_dashes(std::string_view word) {
    while (!word.empty() && word.front() == '-') word.remove_prefix(1);
    return word;
}

std::string key_of(std::string_view canonical, const std::vector<std::string>& words) {
    if (canonical == "x") {
        const std::string& assignment = words[1];
        return "x:" + assignment.substr(0, assignment.find('='));
    }
    if (canonical == "mca" || canonical == "gmca") return std::string(canonical) + ":" + words[1];
    return std::string(canonical);
}

[[noreturn]] void throw_missing_value(std::string_view source, const std::string& option) {
    throw errors::Error(errors::ErrorKind::Configuration,
                        "hyperparameters.json key '" + std::string(source) + "': the option " +
                            option + " lacks its value.");
}

}  // namespace

std::vector<MpiOption> parse_mpi_options(const std::vector<std::string>& words,
                                         std::string_view source) {
    std::vector<MpiOption> options;
    std::size_t i = 0;
    while (i < words.size()) {
        const std::string& word = words[i];
        std::string_view name = without_dashes(word);
        if (is_option_word(word) && word.starts_with("--") &&
            (name == kNcclDebugFlag || name.starts_with(std::string(kNcclDebugFlag) + "="))) {
            std::string level;
            if (name.size() > kNcclDebugFlag.size()) {
                level = std::string(name.substr(kNcclDebugFlag.size() + 1));
                i += 1;
            } else {
                if (i + 1 >= words.size()) throw_missing_value(source, word);
                level = words[i + 1];
                i += 2;
            }
            options.push_back({{"-x", "NCCL_DEBUG=" + level}, "x:NCCL_DEBUG"});
            continue;
        }
        MpiOption option;
        option.words.push_back(word);
        ++i;
        const KnownOption* known = is_option_word(word) ? find_known(name) : nullptr;
        if (known != nullptr) {
            if (i + known->values > words.size()) throw_missing_value(source, word);
            for (std::size_t v = 0; v < known->values; ++v) option.words.push_back(words[i++]);
            option.key = key_of(known->key, option.words);
        } else if (is_option_word(word)) {
            while (i < words.size() && !is_option_word(words[i]))
                option.words.push_back(words[i++]);
            option.key = std::string(name);
        }
        // A stray word keeps an empty key: it never replaces anything.
        options.push_back(std::move(option));
    }
    return options;
}

std::vector<MpiOption> merge_mpi_options(std::vector<MpiOption> defaults,
                                         const std::vector<MpiOption>& custom) {
    std::vector<MpiOption> appended;
    for (const MpiOption& option : custom) {
        auto same = option.key.empty()
                        ? defaults.end()
                        : std::find_if(defaults.begin(), defaults.end(),
                                       [&](const MpiOption& d) { return d.key == option.key; });
        if (same != defaults.end()) {
            *same = option;
        } else {
            appended.push_back(option);
        }
    }
    defaults.insert(defaults.end(), appended.begin(), appended.end());
    return defaults;
}

std::string exported_name(const MpiOption& option) {
    return option.key.starts_with("x:") ? option.key.substr(2) : std::string();
}

}  // namespace optml::mpi
