#pragma once

#include <string>
#include <vector>

#include "toolkit/config/training_env_builder.hpp"
#include "toolkit/entry/entry_point.hpp"
#include "toolkit/pyjson/python_text.hpp"

namespace optml::launchers::testing {

// hyperparameters.json holds JSON-encoded values, as the platform writes them.
inline config::TrainingEnv job(const char* hyperparameters, const char* resource_config,
                               hardware::HardwareCounts hardware = {}) {
    config::ConfigDocuments documents{
        pyjson::loads(hyperparameters).as_dict(), {}, pyjson::loads(resource_config).as_dict()};
    return config::build_training_env(config::Paths::under("/opt/ml"), documents,
                                      system::EnvironmentSnapshot(), hardware);
}

inline const char* const kThreeHosts =
    R"({"current_host": "algo-1", "hosts": ["algo-1", "algo-2", "algo-3"]})";

inline std::string hosts_config(const char* current) {
    return std::string(R"({"current_host": ")") + current +
           R"(", "hosts": ["algo-1", "algo-2", "algo-3"]})";
}

// algo-1 is a CPU group outside the distribution; algo-2 and algo-3 are the GPU group.
inline std::string hetero_config(const char* current) {
    std::string group = std::string(current) == "algo-1" ? "cpu_group" : "gpu_group";
    return std::string(R"({"current_host": ")") + current + R"(", "current_group_name": ")" +
           group + R"(", "hosts": ["algo-1", "algo-2", "algo-3"], "instance_groups": [)" +
           R"({"instance_group_name": "cpu_group", "instance_type": "ml.c5.xlarge", "hosts": ["algo-1"]},)" +
           R"({"instance_group_name": "gpu_group", "instance_type": "ml.p3.2xlarge", "hosts": ["algo-2", "algo-3"]}],)" +
           R"( "network_interface_name": "eth1"})";
}

inline entry::LaunchPlan python_program(std::vector<std::string> env = {"PATH=/usr/bin",
                                                                        "SM_HOSTS=[]"}) {
    entry::LaunchPlan plan;
    plan.kind = entry::EntryPointKind::PythonProgram;
    plan.program.executable = "/usr/bin/python3";
    plan.program.argv = {"/usr/bin/python3", "train.py", "--lr", "0.1"};
    plan.program.env = std::move(env);
    plan.program.cwd = "/opt/ml/code";
    return plan;
}

inline entry::LaunchPlan python_module(const char* module = "pkg.train") {
    entry::LaunchPlan plan = python_program();
    plan.kind = entry::EntryPointKind::PythonModule;
    plan.program.argv = {"/usr/bin/python3", "-m", module, "--lr", "0.1"};
    return plan;
}

inline entry::LaunchPlan command_program() {
    entry::LaunchPlan plan = python_program();
    plan.kind = entry::EntryPointKind::Command;
    plan.program.executable = "./run.sh";
    plan.program.argv = {"./run.sh", "--lr", "0.1"};
    plan.program.shell_fallback = true;
    return plan;
}

}  // namespace optml::launchers::testing
