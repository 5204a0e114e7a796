#include <catch2/catch.hpp>
#include <string>

#include "toolkit/app/spec_training_env.hpp"
#include "toolkit/errors/error.hpp"

using namespace optml;

namespace {

const char* const kTrainingEnv =
    R"({"additional_framework_parameters": {"sagemaker_mpi_num_of_processes_per_host": 2},)"
    R"( "current_host": "algo-2", "current_instance_group": "homogeneousCluster",)"
    R"( "current_instance_type": "ml.p3.16xlarge", "distribution_hosts": ["algo-1", "algo-2"],)"
    R"( "distribution_instance_groups": ["homogeneousCluster"], "hosts": ["algo-1", "algo-2"],)"
    R"( "hyperparameters": {"lr": 0.1}, "is_master": false, "log_level": 10,)"
    R"( "master_hostname": "algo-1", "network_interface_name": "eth0", "num_cpus": 8,)"
    R"( "num_gpus": 4, "num_neurons": 0, "is_smddprun_installed": true})";

app::EntryPointSpec spec_with(std::string training_env) {
    app::EntryPointSpec spec;
    spec.code_dir = "/job/code";
    spec.entry_point = "train.py";
    system::EnvironmentSnapshot::Variables variables{{"SAGEMAKER_BASE_DIR", "/job"}};
    if (!training_env.empty()) variables.emplace("SM_TRAINING_ENV", std::move(training_env));
    spec.environment = system::EnvironmentSnapshot(std::move(variables));
    return spec;
}

std::string problem(const app::EntryPointSpec& spec) {
    try {
        app::training_env_for_spec(spec, std::chrono::seconds(1));
    } catch (const errors::Error& error) {
        CHECK(error.kind() == errors::ErrorKind::Configuration);
        return error.what();
    }
    FAIL("accepted");
    return "";
}

}  // namespace

TEST_CASE("the job's properties come from SM_TRAINING_ENV in the spec's environment") {
    const config::TrainingEnv env =
        app::training_env_for_spec(spec_with(kTrainingEnv), std::chrono::seconds(1));
    CHECK(env.current_host == "algo-2");
    CHECK(env.master_hostname == "algo-1");
    CHECK(env.distribution_hosts == std::vector<std::string>{"algo-1", "algo-2"});
    CHECK(env.network_interface_name == "eth0");
    CHECK(env.hardware.gpus == 4);
    CHECK(env.hardware.cpus == 8);
    CHECK(env.hardware.smddprun_installed);
    CHECK(env.paths.code == "/job/code");
    CHECK(env.paths.output == "/job/output");
    CHECK(env.user_entry_point == "train.py");
    CHECK(env.module_name == "train");
    CHECK(env.log_level.as_int64() == 10);
}

TEST_CASE("a module spec becomes a -m entry point") {
    app::EntryPointSpec spec = spec_with(kTrainingEnv);
    spec.entry_point.reset();
    spec.module = "pkg.train";
    const config::TrainingEnv env = app::training_env_for_spec(spec, std::chrono::seconds(1));
    CHECK(env.user_entry_point == "-m pkg.train");
    CHECK(env.module_name == "pkg.train");
}

TEST_CASE("truthy extra_opts take the place of framework parameters") {
    app::EntryPointSpec spec = spec_with(kTrainingEnv);
    spec.extra_opts.set("sagemaker_mpi_num_of_processes_per_host", pyjson::Value(3));
    spec.extra_opts.set("sagemaker_mpi_custom_mpi_options", pyjson::Value(""));
    const config::TrainingEnv env = app::training_env_for_spec(spec, std::chrono::seconds(1));
    CHECK(env.additional_framework_parameters.find("sagemaker_mpi_num_of_processes_per_host")
              ->as_int64() == 3);
    CHECK(env.additional_framework_parameters.find("sagemaker_mpi_custom_mpi_options") == nullptr);
}

TEST_CASE("without SM_TRAINING_ENV the job comes from the config files, which are named") {
    CHECK(problem(spec_with("")).find("resourceconfig.json does not exist") == 0);
}

TEST_CASE("a malformed SM_TRAINING_ENV is named") {
    CHECK(problem(spec_with("{")).find("is not valid JSON") != std::string::npos);
    CHECK(problem(spec_with("[]")).find("must hold a JSON object") != std::string::npos);
    CHECK(problem(spec_with(R"({"hosts": []})")).find("has no key 'current_host'") !=
          std::string::npos);
    CHECK(problem(spec_with(R"({"hosts": "algo-1", "current_host": "algo-1"})"))
              .find("key 'hosts'") != std::string::npos);
}

TEST_CASE("sagemaker_containers' shorter SM_TRAINING_ENV describes a homogeneous cluster") {
    const config::TrainingEnv env = app::training_env_for_spec(
        spec_with(R"({"hosts": ["algo-1", "algo-2"], "current_host": "algo-2"})"),
        std::chrono::seconds(1));
    CHECK(env.master_hostname == "algo-1");
    CHECK(env.distribution_hosts == env.hosts);
    CHECK(env.distribution_instance_groups == std::vector<std::string>{env.current_instance_group});
    CHECK(env.network_interface_name == "eth0");
}
