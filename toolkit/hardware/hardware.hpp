#pragma once

#include <chrono>
#include <string_view>

#include "toolkit/system/environment.hpp"

namespace optml::hardware {

struct HardwareCounts {
    long long cpus = 0;
    long long gpus = 0;
    long long neuron_cores = 0;
    bool smddprun_installed = false;
    bool smddpmprun_installed = false;
};

// Counts what this container has, each probe run once: CPUs online, GPUs from
// `nvidia-smi --list-gpus`, Neuron cores from `neuron-ls -j`, both tools found on PATH and
// given at most `timeout` together. A tool that is missing, fails or times out counts 0.
HardwareCounts probe_hardware(const system::EnvironmentSnapshot& environment,
                              std::chrono::milliseconds timeout);

// Parsers for the tools' output, kept pure for unit tests.
long long count_gpus(std::string_view nvidia_smi_list_output);
long long count_neuron_cores(std::string_view neuron_ls_json);

}  // namespace optml::hardware
