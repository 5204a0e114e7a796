#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace optml::mpi {

// The gethostname() shim (shim/gethostname_shim.c) as images ship it: next to train.
inline constexpr const char* kHostnameShimName = "liboptml_gethostname.so";

// The shim's absolute path when it sits in the same directory as `train_executable`, for
// mpirun to preload into every rank. Empty when it is missing, or when its path holds a space
// or a colon: the dynamic loader splits LD_PRELOAD there and would look for other files.
std::optional<std::string> hostname_shim_beside(const std::filesystem::path& train_executable);

}  // namespace optml::mpi
