#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "job_fixture.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/launchers/environment_list.hpp"
#include "toolkit/launchers/runner_kind.hpp"
#include "toolkit/system/temporary_path.hpp"
#include "toolkit/xgboost/data_channel.hpp"
#include "toolkit/xgboost/plan.hpp"

using namespace optml;
using namespace optml::xgboost;
using Words = std::vector<std::string>;

namespace {

config::TrainingEnv xgboost_job(
    const char* current, const char* hyperparameters = R"({"sagemaker_xgboost_enabled": "true"})",
    const char* channels = R"({"train": {}, "validation": {}})") {
    config::ConfigDocuments documents{
        pyjson::loads(hyperparameters).as_dict(), pyjson::loads(channels).as_dict(),
        pyjson::loads(launchers::testing::hosts_config(current)).as_dict()};
    return config::build_training_env(config::Paths::under("/opt/ml"), documents,
                                      system::EnvironmentSnapshot(), {});
}

}  // namespace

TEST_CASE("the XGBoost runner is switched on by its framework parameter, after the others") {
    CHECK(launchers::choose_runner(xgboost_job("algo-2")) == launchers::RunnerKind::Xgboost);
    CHECK(launchers::choose_runner(xgboost_job(
              "algo-2",
              R"({"sagemaker_xgboost_enabled": "true", "sagemaker_mpi_enabled": "true"})")) ==
          launchers::RunnerKind::Mpi);
    CHECK(launchers::choose_runner(
              xgboost_job("algo-2", R"({"sagemaker_xgboost_enabled": "false"})")) ==
          launchers::RunnerKind::Process);
}

TEST_CASE("every host runs the program; the leader also the tracker with the job's interpreter") {
    const XgboostPlan plan =
        plan_xgboost(xgboost_job("algo-2"), launchers::testing::python_program(), {9191});
    CHECK(plan.hosts == Words{"algo-1", "algo-2", "algo-3"});
    CHECK(plan.index == 1);
    CHECK_FALSE(plan.is_leader());
    CHECK(plan.leader() == "algo-1");
    CHECK(plan.channel == "train");
    CHECK(plan.channel_dir == "/opt/ml/input/data/train");
    REQUIRE(plan.tracker.argv.size() == 5);
    CHECK(plan.tracker.executable == "/usr/bin/python3");
    CHECK(plan.tracker.argv[1] == "-c");
    CHECK_THAT(plan.tracker.argv[2], Catch::Contains("optml-xgboost-tracker-listening"));
    CHECK(plan.tracker.argv[3] == "9191");
    CHECK(plan.tracker.argv[4] == "algo-1");
    CHECK(plan.program.argv == Words{"/usr/bin/python3", "train.py", "--lr", "0.1"});
}

TEST_CASE("the data channel can be named, and must be one of the job's channels") {
    const XgboostPlan plan = plan_xgboost(
        xgboost_job(
            "algo-1",
            R"({"sagemaker_xgboost_enabled": true, "sagemaker_xgboost_data_channel": "validation"})"),
        launchers::testing::python_program(), {});
    CHECK(plan.channel_dir == "/opt/ml/input/data/validation");
    try {
        plan_xgboost(xgboost_job("algo-1", R"({"sagemaker_xgboost_enabled": true})", "{}"),
                     launchers::testing::python_program(), {});
        FAIL("no error");
    } catch (const errors::Error& error) {
        CHECK(error.kind() == errors::ErrorKind::Configuration);
        CHECK_THAT(error.what(), Catch::Contains("no channel 'train'") &&
                                     Catch::Contains("sagemaker_xgboost_data_channel"));
    }
}

TEST_CASE("a command entry point cannot start the tracker") {
    CHECK_THROWS_AS(plan_xgboost(xgboost_job("algo-1"), launchers::testing::command_program(), {}),
                    errors::Error);
}

TEST_CASE("workers get XGBoost's variables, the rank and the communicator's arguments") {
    const XgboostPlan plan =
        plan_xgboost(xgboost_job("algo-3"), launchers::testing::python_program(), {});
    const process::Command program = worker_program(plan, WorkerAssignment{1, 2, 9100});
    const auto value = [&](const char* name) {
        return launchers::environment_value(program.env, name).value_or("(unset)");
    };
    CHECK(value("DMLC_TRACKER_URI") == "algo-1");
    CHECK(value("DMLC_TRACKER_PORT") == "9100");
    CHECK(value("DMLC_TASK_ID") == "1");
    CHECK(value("DMLC_NUM_WORKER") == "2");
    CHECK(value("OPTML_XGBOOST_RANK") == "1");
    CHECK(
        value("OPTML_XGBOOST_COMMUNICATOR_ARGS") ==
        R"({"dmlc_communicator": "rabit", "dmlc_tracker_uri": "algo-1", "dmlc_tracker_port": 9100, "dmlc_task_id": "1"})");
    CHECK(value("PATH") == "/usr/bin");
    CHECK(program.argv == plan.program.argv);
}

TEST_CASE("task ids sort as strings in rank order") {
    CHECK(task_id({0, 1, 1}) == "0");
    CHECK(task_id({3, 10, 1}) == "3");
    CHECK(task_id({3, 11, 1}) == "03");
    CHECK(task_id({10, 11, 1}) == "10");
    CHECK(task_id({7, 1000, 1}) == "007");
}

TEST_CASE("a channel has data when it holds a regular file, at any depth, of any size") {
    const system::TemporaryDirectory folder("optml-xgb-channel-");
    const std::filesystem::path channel = folder.path() / "train";
    CHECK_FALSE(channel_has_files(channel));
    std::filesystem::create_directories(channel / "nested" / "deeper");
    CHECK_FALSE(channel_has_files(channel));
    std::ofstream(channel / "nested" / "deeper" / "empty.csv").close();
    CHECK(channel_has_files(channel));
}
