#include <catch2/catch.hpp>

#include "toolkit/hardware/hardware.hpp"

using namespace optml;

TEST_CASE("GPUs are counted from nvidia-smi --list-gpus") {
    CHECK(hardware::count_gpus("") == 0);
    CHECK(hardware::count_gpus(
              "GPU 0: Tesla V100 (UUID: GPU-1)\nGPU 1: Tesla V100 (UUID: GPU-2)\n") == 2);
    CHECK(hardware::count_gpus("No devices were found\n") == 0);
}

TEST_CASE("Neuron cores are summed from neuron-ls -j") {
    CHECK(hardware::count_neuron_cores(R"([{"nc_count": 2}, {"nc_count": 2}, {"other": 1}])") == 4);
    CHECK(hardware::count_neuron_cores("not json") == 0);
    CHECK(hardware::count_neuron_cores("{}") == 0);
}

TEST_CASE("missing tools count zero; CPUs are counted") {
    auto counts = hardware::probe_hardware(
        system::EnvironmentSnapshot(
            system::EnvironmentSnapshot::Variables{{"PATH", "/nonexistent"}}),
        std::chrono::seconds(5));
    CHECK(counts.cpus >= 1);
    CHECK(counts.gpus == 0);
    CHECK(counts.neuron_cores == 0);
    CHECK_FALSE(counts.smddprun_installed);
}
