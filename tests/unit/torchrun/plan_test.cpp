#include <catch2/catch.hpp>

#include "job_fixture.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/torchrun/plan.hpp"

using namespace optml;
using namespace optml::torchrun;
using launchers::Variables;
using launchers::testing::hetero_config;
using launchers::testing::hosts_config;
using launchers::testing::job;
using Words = std::vector<std::string>;

namespace {

const char* const kTorch =
    R"({"sagemaker_torch_distributed_enabled": "true", "sagemaker_mpi_num_of_processes_per_host": "2"})";

}  // namespace

TEST_CASE("torchrun on every host with its node rank") {
    for (auto [host, rank] : {std::pair{"algo-1", "0"}, {"algo-2", "1"}, {"algo-3", "2"}}) {
        INFO(host);
        TorchrunPlan plan = plan_torchrun(job(kTorch, hosts_config(host).c_str()),
                                          launchers::testing::python_program());
        CHECK(plan.command.executable == "torchrun");
        CHECK(plan.command.argv == Words{"torchrun", "--nnodes", "3", "--nproc_per_node", "2",
                                         "--master_addr", "algo-1", "--master_port", "7777",
                                         "--node_rank", rank, "train.py", "--lr", "0.1"});
        CHECK(plan.node_rank == std::stoll(rank));
        CHECK(plan.nnodes == 3);
        CHECK(plan.nproc_per_node == 2);
        CHECK(plan.master_addr == "algo-1");
        CHECK(plan.command.cwd == "/opt/ml/code");
        CHECK(plan.environment_additions ==
              Variables{{"NCCL_SOCKET_IFNAME", "eth0"}, {"GLOO_SOCKET_IFNAME", "eth0"}});
        CHECK(plan.command.env == Words{"PATH=/usr/bin", "SM_HOSTS=[]", "NCCL_SOCKET_IFNAME=eth0",
                                        "GLOO_SOCKET_IFNAME=eth0"});
    }
}

TEST_CASE("torchrun: configurable command, port and extra arguments; module entry points") {
    TorchrunOptions options;
    options.torchrun = {"/usr/bin/python3", "/tests/torchrun_py311.py"};
    options.master_port = 29400;
    options.extra_arguments = {"--log_dir", "/tmp/logs"};
    auto env = job(kTorch, hosts_config("algo-2").c_str());
    TorchrunPlan plan = plan_torchrun(env, launchers::testing::python_module(), options);
    CHECK(plan.command.executable == "/usr/bin/python3");
    CHECK(plan.command.argv == Words{"/usr/bin/python3", "/tests/torchrun_py311.py", "--nnodes",
                                     "3", "--nproc_per_node", "2", "--master_addr", "algo-1",
                                     "--master_port", "29400", "--node_rank", "1", "--log_dir",
                                     "/tmp/logs", "--module", "pkg.train", "--lr", "0.1"});
}

TEST_CASE("torchrun on a single host leaves out the multi-node options, as the reference") {
    auto env = job(R"({"sagemaker_torch_distributed_enabled": "true"})",
                   R"({"current_host": "algo-1", "hosts": ["algo-1"]})",
                   hardware::HardwareCounts{8, 4, 0, false, false});
    TorchrunPlan plan = plan_torchrun(env, launchers::testing::python_program());
    CHECK(plan.command.argv ==
          Words{"torchrun", "--nnodes", "1", "--nproc_per_node", "4", "train.py", "--lr", "0.1"});
}

TEST_CASE("torchrun keeps the interface variables a user set") {
    auto env = job(kTorch, hosts_config("algo-1").c_str());
    TorchrunPlan plan = plan_torchrun(
        env, launchers::testing::python_program({"GLOO_SOCKET_IFNAME=lo", "PATH=/bin"}));
    CHECK(plan.environment_additions == Variables{{"NCCL_SOCKET_IFNAME", "eth0"}});
    CHECK(plan.command.env ==
          Words{"GLOO_SOCKET_IFNAME=lo", "PATH=/bin", "NCCL_SOCKET_IFNAME=eth0"});
}

TEST_CASE("torchrun in a heterogeneous cluster counts only the distribution hosts") {
    const char* hyperparameters =
        R"({"sagemaker_torch_distributed_enabled": "true", "sagemaker_distribution_instance_groups": "[\"gpu_group\"]"})";
    TorchrunPlan plan = plan_torchrun(job(hyperparameters, hetero_config("algo-3").c_str()),
                                      launchers::testing::python_program());
    CHECK(plan.command.argv == Words{"torchrun", "--nnodes", "2", "--nproc_per_node", "1",
                                     "--master_addr", "algo-2", "--master_port", "7777",
                                     "--node_rank", "1", "train.py", "--lr", "0.1"});
    CHECK(plan.environment_additions ==
          Variables{{"NCCL_SOCKET_IFNAME", "eth1"}, {"GLOO_SOCKET_IFNAME", "eth1"}});
    CHECK_THROWS_AS(plan_torchrun(job(hyperparameters, hetero_config("algo-1").c_str()),
                                  launchers::testing::python_program()),
                    errors::Error);
}

TEST_CASE("torchrun refuses command and framework-module entry points") {
    auto env = job(kTorch, hosts_config("algo-1").c_str());
    entry::LaunchPlan framework = launchers::testing::python_program();
    framework.kind = entry::EntryPointKind::FrameworkModule;
    for (const auto& [launch, kind] :
         {std::pair{launchers::testing::command_program(), std::string("command")},
          std::pair{framework, std::string("framework module")}}) {
        try {
            plan_torchrun(env, launch);
            FAIL("no error");
        } catch (const errors::Error& error) {
            CHECK(error.kind() == errors::ErrorKind::EntryPoint);
            CHECK(std::string(error.what()) ==
                  "torch_distributed runs Python scripts and modules; the entry point is a " +
                      kind + ".");
        }
    }
}
