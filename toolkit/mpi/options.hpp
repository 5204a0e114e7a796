#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace optml::mpi {

// One mpirun option with its values, e.g. {"-mca", "btl", "^openib"}, and what makes two
// options the same one: "mca:btl", "x:NCCL_DEBUG", "bind-to", "np", "host". Dashes and
// mpirun's aliases (-H/--host, -n/-np, -mca/--mca) share a key.
struct MpiOption {
    std::vector<std::string> words;
    std::string key;

    bool operator==(const MpiOption&) const = default;
};

// Groups words into options. Known options take their fixed number of values; an unknown
// one takes the words up to the next word starting with '-'. The reference's own
// "--NCCL_DEBUG LEVEL" (argparse style) becomes "-x NCCL_DEBUG=LEVEL". Throws
// errors::Error(Configuration) naming `source` when a known option lacks a value.
std::vector<MpiOption> parse_mpi_options(const std::vector<std::string>& words,
                                         std::string_view source);

// The user's options take the place of the defaults with the same key (a later one wins);
// the rest are appended in the user's order. Users could not override the reference's
// defaults, only append after them, which mpirun then rejected or ignored.
std::vector<MpiOption> merge_mpi_options(std::vector<MpiOption> defaults,
                                         const std::vector<MpiOption>& custom);

// The name a "-x NAME[=VALUE]" option exports, empty for any other option.
std::string exported_name(const MpiOption& option);

}  // namespace optml::mpi
