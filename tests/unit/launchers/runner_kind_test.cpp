#include <catch2/catch.hpp>

#include "job_fixture.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/launchers/processes_per_host.hpp"
#include "toolkit/launchers/runner_kind.hpp"

using namespace optml;
using launchers::RunnerKind;
using launchers::testing::hetero_config;
using launchers::testing::job;
using launchers::testing::kThreeHosts;

TEST_CASE("no switch: one process per host") {
    CHECK(launchers::choose_runner(job("{}", kThreeHosts)) == RunnerKind::Process);
    CHECK(launchers::choose_runner(job(R"({"sagemaker_mpi_enabled": "false"})", kThreeHosts)) ==
          RunnerKind::Process);
}

TEST_CASE("each switch picks its runner when truthy") {
    CHECK(launchers::choose_runner(job(R"({"sagemaker_mpi_enabled": "true"})", kThreeHosts)) ==
          RunnerKind::Mpi);
    CHECK(launchers::choose_runner(job(R"({"sagemaker_torch_distributed_enabled": "true"})",
                                       kThreeHosts)) == RunnerKind::TorchDistributed);
    CHECK(launchers::choose_runner(job(R"({"sagemaker_parameter_server_enabled": "true"})",
                                       kThreeHosts)) == RunnerKind::ParameterServer);
    // Python truthiness of the decoded value: a non-empty string is true, 0 is false.
    CHECK(launchers::choose_runner(job(R"({"sagemaker_mpi_enabled": "\"yes\""})", kThreeHosts)) ==
          RunnerKind::Mpi);
    CHECK(launchers::choose_runner(job(R"({"sagemaker_mpi_enabled": "0"})", kThreeHosts)) ==
          RunnerKind::Process);
}

TEST_CASE("precedence: MPI, then torchrun, then parameter servers") {
    CHECK(launchers::choose_runner(job(R"({"sagemaker_mpi_enabled": "true",
        "sagemaker_torch_distributed_enabled": "true",
        "sagemaker_parameter_server_enabled": "true"})",
                                       kThreeHosts)) == RunnerKind::Mpi);
    CHECK(launchers::choose_runner(job(R"({"sagemaker_torch_distributed_enabled": "true",
        "sagemaker_parameter_server_enabled": "true"})",
                                       kThreeHosts)) == RunnerKind::TorchDistributed);
}

TEST_CASE("a host outside the distribution groups runs one process") {
    const char* hyperparameters =
        R"({"sagemaker_mpi_enabled": "true", "sagemaker_distribution_instance_groups": "[\"gpu_group\"]"})";
    auto cpu_host = job(hyperparameters, hetero_config("algo-1").c_str());
    CHECK_FALSE(launchers::distribution_enabled(cpu_host));
    CHECK(launchers::choose_runner(cpu_host) == RunnerKind::Process);
    auto gpu_host = job(hyperparameters, hetero_config("algo-2").c_str());
    CHECK(launchers::distribution_enabled(gpu_host));
    CHECK(launchers::choose_runner(gpu_host) == RunnerKind::Mpi);
}

TEST_CASE("without listed groups a switch distributes the current group") {
    auto env =
        job(R"({"sagemaker_torch_distributed_enabled": "true"})", hetero_config("algo-1").c_str());
    CHECK(launchers::choose_runner(env) == RunnerKind::TorchDistributed);
}

TEST_CASE("processes per host: hyperparameter, GPUs, Neuron cores, 1") {
    hardware::HardwareCounts gpus{8, 4, 2, false, false};
    hardware::HardwareCounts neurons{8, 0, 2, false, false};
    hardware::HardwareCounts cpu_only{8, 0, 0, false, false};
    CHECK(launchers::processes_per_host(
              job(R"({"sagemaker_mpi_num_of_processes_per_host": "3"})", kThreeHosts, gpus)) == 3);
    CHECK(launchers::processes_per_host(job("{}", kThreeHosts, gpus)) == 4);
    CHECK(launchers::processes_per_host(job("{}", kThreeHosts, neurons)) == 2);
    CHECK(launchers::processes_per_host(job("{}", kThreeHosts, cpu_only)) == 1);
    // A str holding an int, as int() would read it.
    CHECK(launchers::processes_per_host(
              job(R"({"sagemaker_mpi_num_of_processes_per_host": "\"2\""})", kThreeHosts)) == 2);
}

TEST_CASE("processes per host must be a positive integer") {
    for (const char* bad : {R"({"sagemaker_mpi_num_of_processes_per_host": "0"})",
                            R"({"sagemaker_mpi_num_of_processes_per_host": "-2"})",
                            R"({"sagemaker_mpi_num_of_processes_per_host": "1.5"})",
                            R"({"sagemaker_mpi_num_of_processes_per_host": "true"})",
                            R"({"sagemaker_mpi_num_of_processes_per_host": "\"two\""})",
                            R"({"sagemaker_mpi_num_of_processes_per_host": "null"})"}) {
        INFO(bad);
        try {
            launchers::processes_per_host(job(bad, kThreeHosts));
            FAIL("no error");
        } catch (const errors::Error& error) {
            CHECK(error.kind() == errors::ErrorKind::Configuration);
            CHECK(std::string(error.what()) ==
                  std::string("hyperparameters.json key 'sagemaker_mpi_num_of_processes_per_host' "
                              "must be a positive integer such as 2 (its type: ") +
                      (std::string(bad).find("true") != std::string::npos   ? "bool"
                       : std::string(bad).find("1.5") != std::string::npos  ? "float"
                       : std::string(bad).find("two") != std::string::npos  ? "str"
                       : std::string(bad).find("null") != std::string::npos ? "NoneType"
                                                                            : "int") +
                      ").");
        }
    }
}
