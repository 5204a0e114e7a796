#include <catch2/catch.hpp>

#include "job_fixture.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/mpi/plan.hpp"

using namespace optml;
using namespace optml::mpi;
using launchers::testing::hetero_config;
using launchers::testing::hosts_config;
using launchers::testing::job;
using Words = std::vector<std::string>;

namespace {

const Words kProgramEnvironment = {
    "PATH=/usr/bin",
    "HOME=/root",
    "AWS_SECRET_ACCESS_KEY=secret-value",
    "SM_HOSTS=[\"algo-1\",\"algo-2\",\"algo-3\"]",
    "SM_CURRENT_HOST=algo-1",
    "AWS_ACCESS_KEY_ID=key-id",
    "SAGEMAKER_JOB_NAME=job",
    "CURRENT_HOST=algo-1",
    "PYTHONPATH=/opt/ml/code",
    "AWS_REGION=eu-west-1",
    "UNRELATED=1",
};

const char* const kMpiTwoPerHost =
    R"({"sagemaker_mpi_enabled": "true", "sagemaker_mpi_num_of_processes_per_host": "2"})";

// Everything up to the job's own -x list.
Words default_prefix(const std::string& hosts, const std::string& np) {
    return {"mpirun",
            "--host",
            hosts,
            "-np",
            np,
            "--allow-run-as-root",
            "--display-map",
            "--tag-output",
            "-mca",
            "btl_tcp_if_include",
            "eth0",
            "-mca",
            "oob_tcp_if_include",
            "eth0",
            "-mca",
            "plm_rsh_no_tree_spawn",
            "1",
            "-bind-to",
            "none",
            "-map-by",
            "slot",
            "-mca",
            "pml",
            "ob1",
            "-mca",
            "btl",
            "^openib",
            "-mca",
            "orte_abort_on_non_zero_status",
            "1",
            "-mca",
            "btl_vader_single_copy_mechanism",
            "none",
            "-x",
            "NCCL_MIN_NRINGS=4",
            "-x",
            "NCCL_SOCKET_IFNAME=eth0",
            "-x",
            "NCCL_DEBUG=INFO",
            "-x",
            "PATH"};
}

const Words kJobExports = {"-x", "AWS_ACCESS_KEY_ID", "-x", "AWS_SECRET_ACCESS_KEY",
                           "-x", "AWS_REGION",        "-x", "SM_HOSTS",
                           "-x", "SM_CURRENT_HOST",   "-x", "SAGEMAKER_JOB_NAME",
                           "-x", "CURRENT_HOST",      "-x", "PYTHONPATH"};

Words concat(std::initializer_list<Words> parts) {
    Words all;
    for (const Words& part : parts) all.insert(all.end(), part.begin(), part.end());
    return all;
}

std::string error_of(const config::TrainingEnv& env, const entry::LaunchPlan& launch) {
    try {
        plan_mpi(env, launch);
    } catch (const errors::Error& error) {
        CHECK(error.kind() == errors::ErrorKind::Configuration);
        return error.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("the leader runs mpirun with the documented defaults and the job's variables") {
    auto env = job(kMpiTwoPerHost, hosts_config("algo-1").c_str());
    auto launch = launchers::testing::python_program(kProgramEnvironment);
    MpiPlan plan = plan_mpi(env, launch);

    CHECK(plan.is_leader());
    CHECK(plan.leader == "algo-1");
    CHECK(plan.hosts == Words{"algo-1", "algo-2", "algo-3"});
    CHECK(plan.processes_per_host == 2);
    CHECK(plan.num_processes == 6);
    REQUIRE(plan.mpirun);
    CHECK(plan.mpirun->executable == "mpirun");
    CHECK(plan.mpirun->argv ==
          concat({default_prefix("algo-1:2,algo-2:2,algo-3:2", "6"),
                  kJobExports,
                  {"/usr/bin/python3", "-m", "mpi4py", "train.py", "--lr", "0.1"}}));
    // Values travel in mpirun's environment only.
    CHECK(plan.mpirun->env == kProgramEnvironment);
    CHECK(plan.mpirun->cwd == "/opt/ml/code");
    for (const std::string& word : plan.mpirun->argv) {
        CHECK(word.find("secret-value") == std::string::npos);
        CHECK(word.find("key-id") == std::string::npos);
    }
    CHECK(plan.exported_names == Words{"NCCL_MIN_NRINGS", "NCCL_SOCKET_IFNAME", "NCCL_DEBUG",
                                       "PATH", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                       "AWS_REGION", "SM_HOSTS", "SM_CURRENT_HOST",
                                       "SAGEMAKER_JOB_NAME", "CURRENT_HOST", "PYTHONPATH"});
}

TEST_CASE("the leader starts sshd and waits for every worker's sshd") {
    auto env = job(kMpiTwoPerHost, hosts_config("algo-1").c_str());
    MpiOptions options;
    options.workers_timeout = std::chrono::seconds(42);
    options.poll_interval = std::chrono::milliseconds(100);
    MpiPlan plan = plan_mpi(env, launchers::testing::python_program(kProgramEnvironment), options);
    CHECK(plan.sshd.executable == "/usr/sbin/sshd");
    CHECK(plan.sshd.argv == Words{"/usr/sbin/sshd", "-D"});
    CHECK(plan.sshd.env == Words{"PATH=/usr/bin"});
    CHECK(plan.sshd.cwd == "/");
    CHECK(plan.wait ==
          HostWait{
              {"algo-2", "algo-3"}, 22, std::chrono::seconds(42), std::chrono::milliseconds(100)});
}

TEST_CASE("a worker starts sshd, waits for the leader and runs no mpirun") {
    auto env = job(kMpiTwoPerHost, hosts_config("algo-3").c_str());
    MpiOptions options;
    options.job_start_timeout = std::chrono::seconds(90);
    MpiPlan plan = plan_mpi(env, launchers::testing::python_program(kProgramEnvironment), options);
    CHECK(plan.role == MpiRole::Worker);
    CHECK_FALSE(plan.is_leader());
    CHECK_FALSE(plan.mpirun);
    CHECK(plan.leader == "algo-1");
    CHECK(plan.sshd.argv == Words{"/usr/sbin/sshd", "-D"});
    CHECK(plan.wait.hosts == Words{"algo-1"});
    CHECK(plan.wait.port == 22);
    CHECK(plan.wait.timeout == std::chrono::seconds(90));
    CHECK(plan.job_start_timeout == std::chrono::seconds(90));
}

TEST_CASE("custom options replace defaults and add the rest before the job's variables") {
    auto env = job(R"({"sagemaker_mpi_enabled": "true",
        "sagemaker_mpi_custom_mpi_options": "\"-bind-to socket --NCCL_DEBUG WARN -mca btl 'tcp,self' -x NCCL_MIN_NRINGS=8 -x 'MY_VAR=a b' --oversubscribe -x SM_HOSTS\""})",
                   hosts_config("algo-1").c_str());
    MpiPlan plan = plan_mpi(env, launchers::testing::python_program(kProgramEnvironment));
    REQUIRE(plan.mpirun);
    CHECK(plan.mpirun->argv ==
          Words{"mpirun", "--host", "algo-1:1,algo-2:1,algo-3:1", "-np", "3", "--allow-run-as-root",
                "--display-map", "--tag-output", "-mca", "btl_tcp_if_include", "eth0", "-mca",
                "oob_tcp_if_include", "eth0", "-mca", "plm_rsh_no_tree_spawn", "1", "-bind-to",
                "socket", "-map-by", "slot", "-mca", "pml", "ob1", "-mca", "btl", "tcp,self",
                "-mca", "orte_abort_on_non_zero_status", "1", "-mca",
                "btl_vader_single_copy_mechanism", "none", "-x", "NCCL_MIN_NRINGS=8", "-x",
                "NCCL_SOCKET_IFNAME=eth0", "-x", "NCCL_DEBUG=WARN", "-x", "PATH", "-x",
                "MY_VAR=a b", "--oversubscribe", "-x", "SM_HOSTS",
                // SM_HOSTS is already exported by the user's option: not twice.
                "-x", "AWS_ACCESS_KEY_ID", "-x", "AWS_SECRET_ACCESS_KEY", "-x", "AWS_REGION", "-x",
                "SM_CURRENT_HOST", "-x", "SAGEMAKER_JOB_NAME", "-x", "CURRENT_HOST", "-x",
                "PYTHONPATH", "/usr/bin/python3", "-m", "mpi4py", "train.py", "--lr", "0.1"});
}

TEST_CASE("sagemaker_mpi_num_processes sets -np") {
    auto env = job(R"({"sagemaker_mpi_enabled": "true", "sagemaker_mpi_num_processes": "4",
        "sagemaker_mpi_num_of_processes_per_host": "2"})",
                   hosts_config("algo-1").c_str());
    MpiPlan plan = plan_mpi(env, launchers::testing::python_program(kProgramEnvironment));
    CHECK(plan.num_processes == 4);
    REQUIRE(plan.mpirun);
    CHECK(Words(plan.mpirun->argv.begin(), plan.mpirun->argv.begin() + 5) ==
          Words{"mpirun", "--host", "algo-1:2,algo-2:2,algo-3:2", "-np", "4"});
}

TEST_CASE("processes per host fall back to the GPUs") {
    hardware::HardwareCounts gpus{8, 4, 0, false, false};
    auto env = job(R"({"sagemaker_mpi_enabled": "true"})", hosts_config("algo-1").c_str(), gpus);
    MpiPlan plan = plan_mpi(env, launchers::testing::python_program(kProgramEnvironment));
    CHECK(plan.num_processes == 12);
    CHECK(plan.mpirun->argv[2] == "algo-1:4,algo-2:4,algo-3:4");
}

TEST_CASE("heterogeneous cluster: only the distribution group's hosts take part") {
    const char* hyperparameters =
        R"({"sagemaker_mpi_enabled": "true", "sagemaker_distribution_instance_groups": "[\"gpu_group\"]"})";
    MpiPlan leader = plan_mpi(job(hyperparameters, hetero_config("algo-2").c_str()),
                              launchers::testing::python_program({"PATH=/bin"}));
    CHECK(leader.is_leader());
    CHECK(leader.hosts == Words{"algo-2", "algo-3"});
    CHECK(leader.wait.hosts == Words{"algo-3"});
    REQUIRE(leader.mpirun);
    CHECK(Words(leader.mpirun->argv.begin(), leader.mpirun->argv.begin() + 11) ==
          Words{"mpirun", "--host", "algo-2:1,algo-3:1", "-np", "2", "--allow-run-as-root",
                "--display-map", "--tag-output", "-mca", "btl_tcp_if_include", "eth1"});
    MpiPlan worker = plan_mpi(job(hyperparameters, hetero_config("algo-3").c_str()),
                              launchers::testing::python_program({"PATH=/bin"}));
    CHECK(worker.role == MpiRole::Worker);
    CHECK(worker.wait.hosts == Words{"algo-2"});
    CHECK(error_of(job(hyperparameters, hetero_config("algo-1").c_str()),
                   launchers::testing::python_program()) ==
          "resourceconfig.json: the current host algo-1 is not among the hosts of the "
          "distribution instance groups, so it cannot take part in the distributed launch.");
}

TEST_CASE("the rank wrapper goes before the program, the hostname shim is an export") {
    auto env = job(R"({"sagemaker_mpi_enabled": "true"})", hosts_config("algo-1").c_str());
    MpiOptions options;
    options.mpirun = "/usr/bin/mpirun";
    options.rank_wrapper = {"/usr/local/bin/train", "--rank", "--"};
    options.hostname_shim = "/usr/local/lib/optml/gethostname.so";
    auto plan = plan_mpi(env, launchers::testing::python_module(), options);
    REQUIRE(plan.mpirun);
    CHECK(plan.mpirun->executable == "/usr/bin/mpirun");
    const Words& argv = plan.mpirun->argv;
    CHECK(Words(argv.end() - 18, argv.end()) ==
          Words{"-x", "NCCL_DEBUG=INFO", "-x", "PATH", "-x",
                "LD_PRELOAD=/usr/local/lib/optml/gethostname.so", "-x", "SM_HOSTS",
                "/usr/local/bin/train", "--rank", "--", "/usr/bin/python3", "-m", "mpi4py", "-m",
                "pkg.train", "--lr", "0.1"});
}

TEST_CASE("LD_LIBRARY_PATH is exported when the program has it") {
    auto env = job(R"({"sagemaker_mpi_enabled": "true"})", hosts_config("algo-1").c_str());
    auto plan = plan_mpi(
        env, launchers::testing::python_program({"LD_LIBRARY_PATH=/opt/lib", "PATH=/bin"}));
    const Words& argv = plan.mpirun->argv;
    CHECK(Words(argv.end() - 10, argv.end()) == Words{"-x", "LD_LIBRARY_PATH", "-x", "PATH",
                                                      "/usr/bin/python3", "-m", "mpi4py",
                                                      "train.py", "--lr", "0.1"});
}

TEST_CASE("command entry points run as they are, other Python kinds under mpi4py") {
    auto env = job(R"({"sagemaker_mpi_enabled": "true"})", hosts_config("algo-1").c_str());
    auto command = plan_mpi(env, launchers::testing::command_program());
    const Words& argv = command.mpirun->argv;
    CHECK(Words(argv.end() - 3, argv.end()) == Words{"./run.sh", "--lr", "0.1"});

    entry::LaunchPlan framework = launchers::testing::python_program();
    framework.kind = entry::EntryPointKind::FrameworkModule;
    framework.program.argv = {"/usr/bin/python3", "-c", "code", "pkg.mod", "main"};
    auto framework_plan = plan_mpi(env, framework);
    const Words& framework_argv = framework_plan.mpirun->argv;
    CHECK(Words(framework_argv.end() - 7, framework_argv.end()) ==
          Words{"/usr/bin/python3", "-m", "mpi4py", "-c", "code", "pkg.mod", "main"});
}

TEST_CASE("malformed MPI hyperparameters fail on every host") {
    CHECK(
        error_of(
            job(R"({"sagemaker_mpi_enabled": "true", "sagemaker_mpi_custom_mpi_options": "\"-x 'A\""})",
                hosts_config("algo-2").c_str()),
            launchers::testing::python_program()) ==
        "hyperparameters.json key 'sagemaker_mpi_custom_mpi_options' has an unterminated '.");
    CHECK(error_of(
              job(R"({"sagemaker_mpi_enabled": "true", "sagemaker_mpi_custom_mpi_options": "[1]"})",
                  hosts_config("algo-1").c_str()),
              launchers::testing::python_program()) ==
          "hyperparameters.json key 'sagemaker_mpi_custom_mpi_options' must be a string, not a "
          "list.");
    CHECK(error_of(job(R"({"sagemaker_mpi_enabled": "true", "sagemaker_mpi_num_processes": "0"})",
                       hosts_config("algo-1").c_str()),
                   launchers::testing::python_program()) ==
          "hyperparameters.json key 'sagemaker_mpi_num_processes' must be a positive integer such "
          "as 2 (its type: int).");
}
