#include <catch2/catch.hpp>

#include "job_fixture.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/parameter_server/plan.hpp"
#include "toolkit/parameter_server/tf_config.hpp"

using namespace optml;
using namespace optml::parameter_server;
using launchers::Variables;
using launchers::testing::hetero_config;
using launchers::testing::hosts_config;
using launchers::testing::job;
using Words = std::vector<std::string>;

namespace {

const char* const kPs = R"({"sagemaker_parameter_server_enabled": "true"})";

Variables dmlc(const std::string& role, const std::string& root = "algo-1",
               const std::string& count = "3", const std::string& port = "8000",
               const std::string& verbose = "0") {
    return {{"DMLC_NUM_WORKER", count}, {"DMLC_NUM_SERVER", count},  {"DMLC_ROLE", role},
            {"DMLC_PS_ROOT_URI", root}, {"DMLC_PS_ROOT_PORT", port}, {"PS_VERBOSE", verbose}};
}

Words with_base(const Variables& variables) {
    Words env = {"PATH=/usr/bin", "SM_HOSTS=[]"};
    for (const auto& [name, value] : variables) env.push_back(name + "=" + value);
    return env;
}

}  // namespace

TEST_CASE("MXNet: scheduler and server on the first host, worker variables for the program") {
    ParameterServerPlan plan = plan_parameter_server(job(kPs, hosts_config("algo-1").c_str()),
                                                     launchers::testing::python_program());
    REQUIRE(plan.servers.size() == 2);
    CHECK(plan.servers[0].role == "scheduler");
    CHECK(plan.servers[0].command.executable == "/usr/bin/python3");
    CHECK(plan.servers[0].command.argv == Words{"/usr/bin/python3", "-c", "import mxnet"});
    CHECK(plan.servers[0].command.env == with_base(dmlc("scheduler")));
    CHECK(plan.servers[0].command.cwd == "/opt/ml/code");
    CHECK(plan.servers[1].role == "server");
    CHECK(plan.servers[1].command.argv == Words{"/usr/bin/python3", "-c", "import mxnet"});
    CHECK(plan.servers[1].command.env == with_base(dmlc("server")));
    CHECK(plan.program_additions == dmlc("worker"));
    CHECK(plan.program.argv == Words{"/usr/bin/python3", "train.py", "--lr", "0.1"});
    CHECK(plan.program.env == with_base(dmlc("worker")));
}

TEST_CASE("MXNet: other hosts run only a server") {
    ParameterServerPlan plan = plan_parameter_server(job(kPs, hosts_config("algo-3").c_str()),
                                                     launchers::testing::python_program());
    REQUIRE(plan.servers.size() == 1);
    CHECK(plan.servers[0].role == "server");
    CHECK(plan.servers[0].command.env == with_base(dmlc("server")));
    CHECK(plan.program.env == with_base(dmlc("worker")));
}

TEST_CASE("MXNet: port and verbosity hyperparameters, root address and server command") {
    auto env = job(
        R"({"sagemaker_parameter_server_enabled": "true", "_ps_port": "9000", "_ps_verbose": "\"2\""})",
        hosts_config("algo-2").c_str());
    ParameterServerOptions options;
    options.root_address = "10.250.0.1";
    options.server_command = {"/usr/bin/python3", "/tests/fake_server.py"};
    ParameterServerPlan plan =
        plan_parameter_server(env, launchers::testing::command_program(), options);
    REQUIRE(plan.servers.size() == 1);
    CHECK(plan.servers[0].command.executable == "/usr/bin/python3");
    CHECK(plan.servers[0].command.argv == Words{"/usr/bin/python3", "/tests/fake_server.py"});
    CHECK(plan.program_additions == dmlc("worker", "10.250.0.1", "3", "9000", "2"));
    CHECK(plan.program.argv == Words{"./run.sh", "--lr", "0.1"});
}

TEST_CASE("MXNet: a command entry point needs an explicit server command") {
    try {
        plan_parameter_server(job(kPs, hosts_config("algo-1").c_str()),
                              launchers::testing::command_program());
        FAIL("no error");
    } catch (const errors::Error& error) {
        CHECK(error.kind() == errors::ErrorKind::EntryPoint);
        CHECK(std::string(error.what()) ==
              "Parameter servers start with the job's Python interpreter, but the entry point "
              "is a command.");
    }
}

TEST_CASE("parameter servers in a heterogeneous cluster use the distribution hosts") {
    const char* hyperparameters =
        R"({"sagemaker_parameter_server_enabled": "true", "sagemaker_distribution_instance_groups": "[\"gpu_group\"]"})";
    ParameterServerPlan plan =
        plan_parameter_server(job(hyperparameters, hetero_config("algo-2").c_str()),
                              launchers::testing::python_program());
    REQUIRE(plan.servers.size() == 2);
    CHECK(plan.servers[0].role == "scheduler");
    CHECK(plan.program_additions == dmlc("worker", "algo-2", "2"));
}

TEST_CASE("TF_CONFIG as the reference's TensorFlow container lays it out") {
    Words hosts = {"algo-1", "algo-2", "algo-3"};
    const std::string cluster =
        R"({"cluster":{"master":["algo-1:2222"],"ps":["algo-1:2223","algo-2:2223","algo-3:2223"],)"
        R"("worker":["algo-2:2222","algo-3:2222"]},"environment":"cloud",)";
    CHECK(tf_config(hosts, "algo-1", TfTask::Training) ==
          cluster + R"("task":{"index":0,"type":"master"}})");
    CHECK(tf_config(hosts, "algo-3", TfTask::Training) ==
          cluster + R"("task":{"index":1,"type":"worker"}})");
    CHECK(tf_config(hosts, "algo-2", TfTask::ParameterServer) ==
          cluster + R"("task":{"index":1,"type":"ps"}})");
    CHECK(
        tf_config({"algo-1"}, "algo-1", TfTask::Training) ==
        R"({"cluster":{"master":["algo-1:2222"]},"environment":"cloud","task":{"index":0,"type":"master"}})");
    CHECK_THROWS_AS(tf_config({"algo-1"}, "algo-1", TfTask::ParameterServer), errors::Error);
    CHECK_THROWS_AS(tf_config(hosts, "algo-9", TfTask::Training), errors::Error);
}

TEST_CASE("TensorFlow: a ps process per host with its TF_CONFIG, the program gets its own") {
    ParameterServerOptions options;
    options.flavour = ParameterServerFlavour::TensorFlow;
    ParameterServerPlan plan = plan_parameter_server(job(kPs, hosts_config("algo-2").c_str()),
                                                     launchers::testing::python_program(), options);
    REQUIRE(plan.servers.size() == 1);
    CHECK(plan.servers[0].role == "ps");
    const Words& argv = plan.servers[0].command.argv;
    REQUIRE(argv.size() == 3);
    CHECK(argv[0] == "/usr/bin/python3");
    CHECK(argv[1] == "-c");
    CHECK_THAT(argv[2], Catch::Matchers::Contains("tf.distribute.Server"));
    CHECK(plan.servers[0].command.env ==
          with_base({{"TF_CONFIG",
                      tf_config({"algo-1", "algo-2", "algo-3"}, "algo-2", TfTask::ParameterServer)},
                     {"CUDA_VISIBLE_DEVICES", ""}}));
    CHECK(plan.program_additions ==
          Variables{{"TF_CONFIG",
                     tf_config({"algo-1", "algo-2", "algo-3"}, "algo-2", TfTask::Training)}});
}

TEST_CASE("TensorFlow on a single host: no servers, no TF_CONFIG") {
    ParameterServerOptions options;
    options.flavour = ParameterServerFlavour::TensorFlow;
    ParameterServerPlan plan =
        plan_parameter_server(job(kPs, R"({"current_host": "algo-1", "hosts": ["algo-1"]})"),
                              launchers::testing::python_program(), options);
    CHECK(plan.servers.empty());
    CHECK(plan.program_additions.empty());
    CHECK(plan.program == launchers::testing::python_program().program);
}
