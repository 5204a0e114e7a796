#pragma once

#include <compare>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace optml::mpi {

// One MPI process: mpirun's local job number (1 for the job it starts) and rank within it.
struct RankId {
    long long job = 0;
    long long rank = 0;

    auto operator<=>(const RankId&) const = default;
};

// Where ranks run, as they announced it (see MpiOutputFilter).
using RankHosts = std::map<RankId, std::string>;

// "[job,rank]<stream>:", which mpirun --tag-output writes before a rank's output, optionally
// preceded by the "[host]" MpiOutputFilter adds.
struct MpiTag {
    RankId id;
    std::string_view host;   // empty without a host
    std::size_t length = 0;  // of the whole tag, ':' included
};

// The tag at the very start of `text`, if there is one.
std::optional<MpiTag> parse_mpi_tag(std::string_view text);

// Letters, digits, '.', '-' and '_', as SageMaker's algo-N and DNS names have.
bool is_host_name(std::string_view text);

}  // namespace optml::mpi
