// Which SM_* variables exist, job by job: the reference's Environment.to_env_vars exports a
// fixed set always, SM_TOPOLOGY only when the topology is true in Python's sense, and one
// variable per channel and per user hyperparameter.
#include <catch2/catch.hpp>

#include <algorithm>

#include "toolkit/config/config_files.hpp"
#include "toolkit/config/training_env_builder.hpp"
#include "toolkit/mapping/program_environment.hpp"
#include "toolkit/pyjson/python_text.hpp"

using namespace optml;

namespace {

const std::vector<std::string> kAlwaysExported = {
    "SM_HOSTS",
    "SM_NETWORK_INTERFACE_NAME",
    "SM_HPS",
    "SM_USER_ENTRY_POINT",
    "SM_FRAMEWORK_PARAMS",
    "SM_RESOURCE_CONFIG",
    "SM_INPUT_DATA_CONFIG",
    "SM_OUTPUT_DATA_DIR",
    "SM_CHANNELS",
    "SM_CURRENT_HOST",
    "SM_CURRENT_INSTANCE_TYPE",
    "SM_CURRENT_INSTANCE_GROUP",
    "SM_CURRENT_INSTANCE_GROUP_HOSTS",
    "SM_INSTANCE_GROUPS",
    "SM_INSTANCE_GROUPS_DICT",
    "SM_DISTRIBUTION_INSTANCE_GROUPS",
    "SM_IS_HETERO",
    "SM_MODULE_NAME",
    "SM_LOG_LEVEL",
    "SM_FRAMEWORK_MODULE",
    "SM_INPUT_DIR",
    "SM_INPUT_CONFIG_DIR",
    "SM_OUTPUT_DIR",
    "SM_NUM_CPUS",
    "SM_NUM_GPUS",
    "SM_NUM_NEURONS",
    "SM_MODEL_DIR",
    "SM_MODULE_DIR",
    "SM_TRAINING_ENV",
    "SM_USER_ARGS",
    "SM_OUTPUT_INTERMEDIATE_DIR",
};

config::TrainingEnv build(const std::string& resources, const char* hyperparameters = "{}",
                          const char* channels = "{}") {
    config::ConfigDocuments docs{pyjson::loads(hyperparameters).as_dict(),
                                 pyjson::loads(channels).as_dict(),
                                 pyjson::loads(resources).as_dict()};
    return config::build_training_env(config::Paths::under("/b"), docs,
                                      system::EnvironmentSnapshot(),
                                      hardware::HardwareCounts{2, 0, 0, false, false});
}

std::string with_topology(const std::string& topology) {
    return R"({"current_host": "algo-1", "hosts": ["algo-1"], "topology": )" + topology + "}";
}

std::vector<std::string> names(const mapping::Variables& variables) {
    std::vector<std::string> result;
    for (const auto& [name, value] : variables) result.push_back(name);
    return result;
}

const std::string* find(const mapping::Variables& variables, const std::string& name) {
    for (const auto& [key, value] : variables) {
        if (key == name) return &value;
    }
    return nullptr;
}

std::string training_env_topology(const mapping::Variables& variables) {
    const std::string* document = find(variables, "SM_TRAINING_ENV");
    REQUIRE(document != nullptr);
    return pyjson::dumps(*pyjson::loads(*document).as_dict().find("topology"));
}

}  // namespace

TEST_CASE("a job without channels or hyperparameters exports exactly the fixed set, in order") {
    CHECK(names(mapping::sm_variables(build(R"({"current_host": "a", "hosts": ["a"]})"))) ==
          kAlwaysExported);
}

TEST_CASE("SM_TOPOLOGY is absent when resourceconfig.json has no topology or a false one") {
    CHECK(find(mapping::sm_variables(build(R"({"current_host": "a", "hosts": ["a"]})")),
               "SM_TOPOLOGY") == nullptr);
    for (const char* topology : {"[]", "null", "{}", R"("")", "0", "false"}) {
        INFO("topology " << topology);
        const auto variables = mapping::sm_variables(build(with_topology(topology)));
        CHECK(find(variables, "SM_TOPOLOGY") == nullptr);
        CHECK(names(variables) == kAlwaysExported);
        // SM_TRAINING_ENV lists every property, so the topology is there as it was read.
        CHECK(training_env_topology(variables) == pyjson::dumps(pyjson::loads(topology)));
    }
}

TEST_CASE("SM_TOPOLOGY is exported after SM_OUTPUT_INTERMEDIATE_DIR when the topology is true") {
    const std::string topology = R"([{"hostName": "algo-1", "capacityUnitId": "cu-2"}])";
    const auto variables = mapping::sm_variables(
        build(with_topology(topology), R"({"lr": "0.1"})", R"({"train": {}})"));
    const std::string* exported = find(variables, "SM_TOPOLOGY");
    REQUIRE(exported != nullptr);
    // json.dumps(sort_keys=True, separators=(",", ":")), as for every non-string value.
    CHECK(*exported == R"([{"capacityUnitId":"cu-2","hostName":"algo-1"}])");
    std::vector<std::string> expected = kAlwaysExported;
    expected.insert(expected.end(), {"SM_TOPOLOGY", "SM_CHANNEL_TRAIN", "SM_HP_LR"});
    CHECK(names(variables) == expected);
    CHECK(training_env_topology(variables) == pyjson::dumps(pyjson::loads(topology)));
}

TEST_CASE("a true topology that is not a list is exported the reference's way") {
    CHECK(*find(mapping::sm_variables(build(with_topology(R"("ring")"))), "SM_TOPOLOGY") == "ring");
    CHECK(*find(mapping::sm_variables(build(with_topology("1"))), "SM_TOPOLOGY") == "1");
}

TEST_CASE("one SM_CHANNEL_ per channel and one SM_HP_ per user hyperparameter, none else") {
    const auto variables = mapping::sm_variables(build(
        R"({"current_host": "a", "hosts": ["a"]})",
        R"({"epochs": "3", "sagemaker_program": "\"t.py\"", "sagemaker_mpi_enabled": "true"})",
        R"({"train": {}, "test": {}})"));
    std::vector<std::string> expected = kAlwaysExported;
    expected.insert(expected.end(), {"SM_CHANNEL_TRAIN", "SM_CHANNEL_TEST", "SM_HP_EPOCHS"});
    CHECK(names(variables) == expected);
}

TEST_CASE("None-valued properties are still exported, as empty strings") {
    const auto variables = mapping::sm_variables(build(R"({"current_host": "a", "hosts": ["a"]})"));
    CHECK(find(variables, "SM_USER_ENTRY_POINT")->empty());
    CHECK(find(variables, "SM_FRAMEWORK_MODULE")->empty());
}
