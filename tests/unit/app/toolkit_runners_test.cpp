#include <catch2/catch.hpp>

#include "job_fixture.hpp"
#include "toolkit/app/toolkit_runners.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/launchers/environment_list.hpp"

using namespace optml;
using launchers::testing::job;
using launchers::testing::kThreeHosts;
using launchers::testing::python_program;

TEST_CASE("PyTorchXLA runs the script under xla_spawn with the reference's variables") {
    const config::TrainingEnv env = job("{}", kThreeHosts, {8, 4, 0, false, false});
    const entry::LaunchPlan plan = app::pytorch_xla_launch(env, python_program());
    CHECK(plan.program.argv ==
          std::vector<std::string>{"/usr/bin/python3", "-m", "torch_xla.distributed.xla_spawn",
                                   "--num_gpus", "4", "train.py", "--lr", "0.1"});
    const auto& vars = plan.program.env;
    CHECK(launchers::environment_value(vars, "GPU_NUM_DEVICES") == "4");
    CHECK(launchers::environment_value(vars, "XRT_HOST_ORDINAL") == "0");
    CHECK(launchers::environment_value(vars, "XRT_SHARD_WORLD_SIZE") == "3");
    CHECK(launchers::environment_value(vars, "XRT_WORKERS") ==
          "localservice:0;algo-1:43857|localservice:1;algo-2:43857|localservice:2;algo-3:43857");
    CHECK(launchers::environment_value(vars, "XRT_MESH_SERVICE_ADDRESS") == "algo-1:53957");
    CHECK(launchers::environment_value(vars, "NCCL_PROTO") == "simple");
    CHECK(launchers::environment_value(vars, "SM_HOSTS") == "[]");
}

TEST_CASE("PyTorchXLA needs GPUs and a script, as in the reference") {
    const config::TrainingEnv cpu_only = job("{}", kThreeHosts);
    CHECK_THROWS_AS(app::pytorch_xla_launch(cpu_only, python_program()), errors::Error);
    const config::TrainingEnv gpus = job("{}", kThreeHosts, {8, 4, 0, false, false});
    CHECK_THROWS_AS(app::pytorch_xla_launch(gpus, launchers::testing::python_module()),
                    errors::Error);
}

TEST_CASE("SMDataParallel puts the reference's options before the user's custom ones") {
    config::TrainingEnv env =
        job(R"({"sagemaker_distributed_dataparallel_custom_mpi_options": "\"--NCCL_DEBUG WARN\"",)"
            R"( "sagemaker_instance_type": "\"ml.p4d.24xlarge\""})",
            kThreeHosts);
    app::use_smdataparallel_options(env);
    const std::string options =
        env.additional_framework_parameters.find("sagemaker_mpi_custom_mpi_options")->as_str();
    CHECK(options ==
          "--oversubscribe -mca plm_rsh_num_concurrent 3 -x SMDATAPARALLEL_USE_HOMOGENEOUS=1 "
          "-x FI_PROVIDER=efa -x RDMAV_FORK_SAFE=1 -x NCCL_PROTO=simple -x "
          "FI_EFA_USE_DEVICE_RDMA=1 -x SMDATAPARALLEL_SERVER_ADDR=algo-1 -x "
          "SMDATAPARALLEL_SERVER_PORT=7592 -x SAGEMAKER_INSTANCE_TYPE=ml.p4d.24xlarge "
          "--NCCL_DEBUG WARN");
}

TEST_CASE("SMDataParallel on one host runs single-node, smddprun only where installed") {
    config::TrainingEnv env = job("{}", R"({"current_host": "algo-1", "hosts": ["algo-1"]})");
    app::use_smdataparallel_options(env);
    CHECK(env.additional_framework_parameters.find("sagemaker_mpi_custom_mpi_options")
              ->as_str()
              .find("SMDATAPARALLEL_USE_SINGLENODE=1") != std::string::npos);
    CHECK(app::smdataparallel_prefix(env).empty());
    env.hardware.smddprun_installed = true;
    CHECK(app::smdataparallel_prefix(env) == std::vector<std::string>{"smddprun"});
}
