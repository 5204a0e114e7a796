#include <catch2/catch.hpp>

#include "toolkit/config/config_files.hpp"
#include "toolkit/config/training_env_builder.hpp"
#include "toolkit/mapping/program_environment.hpp"
#include "toolkit/pyjson/python_text.hpp"

using namespace optml;

namespace {

config::TrainingEnv build(const char* hyperparameters, const char* channels = "{}",
                          const char* resources = R"({"current_host": "algo-1", "hosts": ["algo-1"],
                                                      "network_interface_name": "eth0"})") {
    config::ConfigDocuments docs{pyjson::loads(hyperparameters).as_dict(),
                                 pyjson::loads(channels).as_dict(),
                                 pyjson::loads(resources).as_dict()};
    return config::build_training_env(config::Paths::under("/b"), docs,
                                      system::EnvironmentSnapshot(),
                                      hardware::HardwareCounts{2, 0, 0, false, false});
}

std::string variable(const mapping::Variables& variables, const std::string& name) {
    for (const auto& [key, value] : variables) {
        if (key == name) return value;
    }
    FAIL("missing variable " << name);
    return "";
}

}  // namespace

TEST_CASE("arguments are sorted, one dash for one character, values as str()") {
    auto env = build(R"({"lr": "0.1", "LR": "0.2", "b": "1", "B": "2", "a-b": "3", "é": "\"x\"",
                        "flags": "{\"z\": false, \"y\": null, \"w\": 1.0}", "none": "null",
                        "config": "{\"b\": 2, \"a\": \"x\", \"c\": {\"d\": [1, 2]}}",
                        "mixed": "[1, \"two\", 3.5, true, null, {\"k\": \"v\"}]", "empty": "{}",
                        "quoted": "\"\\\"strip\\\"\"", "big": "1E400"})");
    CHECK(mapping::to_cmd_args(env.hyperparameters) ==
          std::vector<std::string>{
              "-B",      "2",   "--LR",     "0.2",
              "--a-b",   "3",   "-b",       "1",
              "--big",   "inf", "--config", "a=x,b=2,c={'d': [1, 2]}",
              "--empty", "",    "--flags",  "w=1.0,y=None,z=False",
              "--lr",    "0.1", "--mixed",  "[1, 'two', 3.5, True, None, {'k': 'v'}]",
              "--none",  "",    "--quoted", "\"strip\"",
              "-é",      "x"});
}

TEST_CASE("SM_HP_ names upper-case with Python's rules; later collisions win") {
    auto env = build(R"({"lr": "0.1", "LR": "0.2", "größe": "3", "learning-rate": "0.01",
                        "h_null": "null", "g_true": "true", "word": "abc", "c_inf": "1E400"})");
    auto variables = mapping::sm_variables(env);
    CHECK(variable(variables, "SM_HP_LR") == "0.2");
    CHECK(variable(variables, "SM_HP_GRÖSSE") == "3");
    CHECK(variable(variables, "SM_HP_LEARNING-RATE") == "0.01");
    CHECK(variable(variables, "SM_HP_H_NULL") == "");
    CHECK(variable(variables, "SM_HP_G_TRUE") == "true");
    CHECK(variable(variables, "SM_HP_WORD") == "abc");
    CHECK(variable(variables, "SM_HP_C_INF") == "Infinity");
}

TEST_CASE("the SM_ set matches the reference for a typical job") {
    auto env = build(R"({"sagemaker_program": "\"train.py\"", "epochs": "6", "name": "\"abc\""})",
                     R"({"training": {"ContentType": "text/csv", "TrainingInputMode": "File"}})");
    auto variables = mapping::sm_variables(env);
    CHECK(variable(variables, "SM_CHANNELS") == R"(["training"])");
    CHECK(variable(variables, "SM_CHANNEL_TRAINING") == "/b/input/data/training");
    CHECK(variable(variables, "SM_HPS") == R"({"epochs":6,"name":"abc"})");
    CHECK(variable(variables, "SM_USER_ARGS") == R"(["--epochs","6","--name","abc"])");
    CHECK(variable(variables, "SM_MODULE_NAME") == "train");
    CHECK(variable(variables, "SM_USER_ENTRY_POINT") == "train.py");
    CHECK(variable(variables, "SM_FRAMEWORK_MODULE") == "");
    CHECK(variable(variables, "SM_LOG_LEVEL") == "20");
    CHECK(variable(variables, "SM_IS_HETERO") == "false");
    CHECK(variable(variables, "SM_CURRENT_INSTANCE_GROUP_HOSTS") == "[]");
    CHECK(variable(variables, "SM_OUTPUT_INTERMEDIATE_DIR") == "/b/output/intermediate");
    CHECK(variable(variables, "SM_RESOURCE_CONFIG") ==
          R"({"current_host":"algo-1","hosts":["algo-1"],"network_interface_name":"eth0"})");
    CHECK(
        variable(variables, "SM_TRAINING_ENV") ==
        R"({"additional_framework_parameters":{},"channel_input_dirs":{"training":"/b/input/data/training"},)"
        R"("current_host":"algo-1","current_instance_group":"homogeneousCluster","current_instance_group_hosts":[],)"
        R"("current_instance_type":"local","distribution_hosts":["algo-1"],"distribution_instance_groups":[],)"
        R"("framework_module":null,"hosts":["algo-1"],"hyperparameters":{"epochs":6,"name":"abc"},)"
        R"("input_config_dir":"/b/input/config","input_data_config":{"training":{"ContentType":"text/csv","TrainingInputMode":"File"}},)"
        R"("input_dir":"/b/input","instance_groups":[],"instance_groups_dict":{},"is_hetero":false,"is_master":true,)"
        R"("is_modelparallel_enabled":null,"is_smddpmprun_installed":false,"is_smddprun_installed":false,)"
        R"("job_name":null,"log_level":20,"master_hostname":"algo-1","model_dir":"/b/model","module_dir":"/b/code",)"
        R"("module_name":"train","network_interface_name":"eth0","num_cpus":2,"num_gpus":0,"num_neurons":0,)"
        R"("output_data_dir":"/b/output/data","output_dir":"/b/output","output_intermediate_dir":"/b/output/intermediate",)"
        R"("resource_config":{"current_host":"algo-1","hosts":["algo-1"],"network_interface_name":"eth0"},)"
        R"("topology":[],"user_entry_point":"train.py"})");
}

TEST_CASE("program variables add the exported job variables and PYTHONPATH") {
    auto env = build(R"({"sagemaker_job_name": "\"job\"", "sagemaker_region": "\"eu-west-1\""})");
    auto variables = mapping::program_variables(env, "/extra");
    CHECK(variable(variables, "SAGEMAKER_JOB_NAME") == "job");
    CHECK(variable(variables, "SAGEMAKER_REGION") == "eu-west-1");
    CHECK(variable(variables, "CURRENT_HOST") == "algo-1");
    CHECK(variable(variables, "PYTHONPATH") == "/b/code:/extra");
    CHECK(variable(mapping::program_variables(env, ""), "PYTHONPATH") == "/b/code");
}

TEST_CASE("a hyperparameter that cannot be an environment variable is a configuration error") {
    auto env = build(R"({"a=b": "1"})");
    CHECK_THROWS_WITH(mapping::program_variables(env, ""), Catch::Contains("SM_HP_A=B"));
}
