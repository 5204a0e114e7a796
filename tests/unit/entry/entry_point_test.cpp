#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "toolkit/config/training_env_builder.hpp"
#include "toolkit/entry/entry_point.hpp"
#include "toolkit/pyjson/python_text.hpp"

using namespace optml;
using entry::EntryPointKind;

TEST_CASE("entry point kinds follow the reference's order") {
    CHECK(entry::detect_kind("train.py", false) == EntryPointKind::PythonProgram);
    CHECK(entry::detect_kind("train.py", true) == EntryPointKind::PythonPackage);
    CHECK(entry::detect_kind("run.sh", true) == EntryPointKind::Command);
    CHECK(entry::detect_kind("mypkg", true) == EntryPointKind::PythonPackage);
    CHECK(entry::detect_kind("-m pkg.mod", false) == EntryPointKind::PythonModule);
    CHECK(entry::detect_kind("run", false) == EntryPointKind::Command);
    CHECK(entry::detect_kind("a.out", false) == EntryPointKind::Command);
}

namespace {

struct CodeDir {
    std::filesystem::path base;
    CodeDir() {
        base =
            std::filesystem::temp_directory_path() / ("optml-entry-" + std::to_string(::getpid()));
        std::filesystem::remove_all(base);
        std::filesystem::create_directories(base / "code");
    }
    ~CodeDir() { std::filesystem::remove_all(base); }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(base / "code" / name) << text;
    }
};

config::TrainingEnv build(const CodeDir& dir, const char* hyperparameters,
                          system::EnvironmentSnapshot::Variables variables = {}) {
    config::ConfigDocuments docs{
        pyjson::loads(hyperparameters).as_dict(),
        {},
        pyjson::loads(R"({"current_host": "a", "hosts": ["a"]})").as_dict()};
    return config::build_training_env(config::Paths::under(dir.base), docs,
                                      system::EnvironmentSnapshot(std::move(variables)), {});
}

const system::EnvironmentSnapshot kTrainEnvironment(system::EnvironmentSnapshot::Variables{
    {"OPTML_PYTHON", "/bin/sh"}});

entry::LaunchPlan plan(const config::TrainingEnv& env,
                       const system::EnvironmentSnapshot& train_environment = kTrainEnvironment) {
    return entry::plan_launch({env, train_environment, {"--epochs", "2"}, {"A=1"}});
}

std::string error_of(const config::TrainingEnv& env) {
    try {
        plan(env);
    } catch (const errors::Error& error) {
        return error.what();
    }
    FAIL("expected an error");
    return "";
}

}  // namespace

TEST_CASE("a Python program runs as python NAME ARGS in the code dir") {
    CodeDir dir;
    dir.write("train.py", "");
    auto env = build(dir, R"({"sagemaker_program": "\"train.py\""})");
    auto launch = plan(env);
    CHECK(launch.kind == EntryPointKind::PythonProgram);
    CHECK(launch.preparation.empty());
    CHECK(launch.program.executable == "/bin/sh");
    CHECK(launch.program.argv == std::vector<std::string>{"/bin/sh", "train.py", "--epochs", "2"});
    CHECK(launch.program.cwd == dir.base / "code");
    CHECK(launch.program.env == std::vector<std::string>{"A=1"});
}

TEST_CASE("a command runs by path, never through a shell, with the /bin/sh fallback") {
    CodeDir dir;
    dir.write("run", "echo hi\n");
    auto launch = plan(build(dir, R"({"sagemaker_program": "\"run\""})"));
    CHECK(launch.kind == EntryPointKind::Command);
    CHECK(launch.program.executable == "./run");
    CHECK(launch.program.argv == std::vector<std::string>{"./run", "--epochs", "2"});
    CHECK(launch.program.shell_fallback);
    entry::make_executable(dir.base / "code", launch.entry_point_file);
    struct stat status {};
    REQUIRE(::stat(launch.entry_point_file.c_str(), &status) == 0);
    CHECK((status.st_mode & 07777) == 0755);
}

namespace {

unsigned mode_of(const std::filesystem::path& file) {
    struct stat status {};
    REQUIRE(::stat(file.c_str(), &status) == 0);
    return status.st_mode & 07777;
}

}  // namespace

TEST_CASE("make_executable follows a link that stays inside the code dir") {
    CodeDir dir;
    std::filesystem::create_directories(dir.base / "code/bin");
    dir.write("bin/real.sh", "echo hi\n");
    std::filesystem::permissions(dir.base / "code/bin/real.sh", std::filesystem::perms(0644));
    std::filesystem::create_symlink("bin/real.sh", dir.base / "code/run.sh");
    entry::make_executable(dir.base / "code", dir.base / "code/run.sh");
    CHECK(mode_of(dir.base / "code/bin/real.sh") == 0755);
}

TEST_CASE("make_executable never changes a file outside the code dir") {
    CodeDir dir;
    const std::filesystem::path outside = dir.base / "elsewhere.sh";
    std::ofstream(outside) << "echo outside\n";
    std::filesystem::permissions(outside, std::filesystem::perms(0600));
    std::filesystem::create_directories(dir.base / "code/sub");
    std::filesystem::create_symlink(outside, dir.base / "code/absolute.sh");
    std::filesystem::create_symlink("../../elsewhere.sh", dir.base / "code/sub/relative.sh");
    for (const char* name : {"absolute.sh", "sub/relative.sh"}) {
        INFO(name);
        const std::filesystem::path entry_point = dir.base / "code" / name;
        try {
            entry::make_executable(dir.base / "code", entry_point);
            FAIL("make_executable followed a link out of the code dir");
        } catch (const errors::Error& error) {
            CHECK(error.kind() == errors::ErrorKind::EntryPoint);
            CHECK_THAT(error.what(), Catch::Matchers::Contains(entry_point.string()) &&
                                         Catch::Matchers::Contains("outside the code dir"));
        }
        CHECK(mode_of(outside) == 0600);
    }
}

TEST_CASE("a package installs with pip then runs as a module; requirements come first") {
    CodeDir dir;
    dir.write("setup.py", "");
    dir.write("requirements.txt", "");
    auto launch = plan(build(dir, R"({"sagemaker_program": "\"mypkg\""})"));
    CHECK(launch.kind == EntryPointKind::PythonPackage);
    REQUIRE(launch.preparation.size() == 2);
    CHECK(launch.preparation[0].command.argv ==
          std::vector<std::string>{"/bin/sh", "-m", "pip", "install", "-r", "requirements.txt"});
    CHECK(launch.preparation[0].failure_kind == errors::ErrorKind::InstallRequirements);
    CHECK(launch.preparation[1].command.argv ==
          std::vector<std::string>{"/bin/sh", "-m", "pip", "install", "."});
    CHECK(launch.preparation[1].failure_kind == errors::ErrorKind::InstallModule);
    CHECK(launch.program.argv ==
          std::vector<std::string>{"/bin/sh", "-m", "mypkg", "--epochs", "2"});
}

TEST_CASE("a framework module is called in a Python child; its name is validated") {
    CodeDir dir;
    auto launch = plan(build(dir, "{}", {{"SAGEMAKER_TRAINING_MODULE", "pkg.train:main"}}));
    CHECK(launch.kind == EntryPointKind::FrameworkModule);
    REQUIRE(launch.program.argv.size() == 5);
    CHECK(launch.program.argv[1] == "-c");
    CHECK(launch.program.argv[3] == "pkg.train");
    CHECK(launch.program.argv[4] == "main");
    CHECK_THAT(error_of(build(dir, "{}", {{"SAGEMAKER_TRAINING_MODULE", "pkg.train"}})),
               Catch::Contains("SAGEMAKER_TRAINING_MODULE"));
}

TEST_CASE("missing entry points are named") {
    CodeDir dir;
    CHECK_THAT(error_of(build(dir, "{}")),
               Catch::Contains("sagemaker_program") && Catch::Contains("SAGEMAKER_PROGRAM"));
    CHECK_THAT(error_of(build(dir, R"({"sagemaker_program": "\"missing.py\""})")),
               Catch::Contains("'missing.py'"));
}

TEST_CASE("the interpreter comes from OPTML_PYTHON, else python3 on PATH") {
    CHECK(entry::resolve_python(system::EnvironmentSnapshot(
              system::EnvironmentSnapshot::Variables{{"OPTML_PYTHON", "/bin/sh"}})) == "/bin/sh");
    CHECK_THROWS_WITH(entry::resolve_python(system::EnvironmentSnapshot(
                          system::EnvironmentSnapshot::Variables{{"OPTML_PYTHON", "/nope"}})),
                      Catch::Contains("OPTML_PYTHON"));
    CHECK_THROWS_WITH(entry::resolve_python(system::EnvironmentSnapshot(
                          system::EnvironmentSnapshot::Variables{{"PATH", "/nonexistent"}})),
                      Catch::Contains("python3"));
}

TEST_CASE("a plan execve would refuse is a configuration error naming the offender, not a value") {
    CodeDir dir;
    dir.write("train.py", "");
    auto env = build(dir, R"({"sagemaker_program": "\"train.py\""})");
    const std::string secret(200 * 1024, 's');
    auto failure = [&](std::vector<std::string> arguments, std::vector<std::string> environment) {
        try {
            entry::plan_launch(
                {env, kTrainEnvironment, std::move(arguments), std::move(environment)});
        } catch (const errors::Error& error) {
            CHECK(error.kind() == errors::ErrorKind::Configuration);
            return std::string(error.what());
        }
        FAIL("expected an error");
        return std::string();
    };

    const std::string long_value = failure({"--epochs", "2", "--token", secret}, {"A=1"});
    CHECK_THAT(long_value,
               Catch::Contains("argument 5 (the value of the hyperparameter 'token')") &&
                   Catch::Contains("204,801 bytes") && Catch::Contains("131,072 bytes") &&
                   Catch::Contains("the largest hyperparameter is 'token'"));
    CHECK(long_value.find("sss") == std::string::npos);

    const std::string long_variable = failure({"--epochs", "2"}, {"A=1", "SM_HP_TOKEN=" + secret});
    CHECK_THAT(long_variable, Catch::Contains("environment variable SM_HP_TOKEN") &&
                                  Catch::Contains("204,813 bytes"));
    CHECK(long_variable.find("sss") == std::string::npos);

    // Many small entries: each fits, together they do not.
    std::vector<std::string> many;
    for (int i = 0; i < 100000; ++i)
        many.push_back("SM_HP_P" + std::to_string(i) + "=" + std::string(60, 'v'));
    many.push_back("SM_HPS=" + std::string(100000, 'v'));
    const std::string too_many = failure({"--epochs", "2"}, many);
    CHECK_THAT(too_many, Catch::Contains("arguments and environment take") &&
                             Catch::Contains("environment variable SM_HPS (100,008 bytes)") &&
                             Catch::Contains("100001 environment variables"));
    CHECK(too_many.find("vvv") == std::string::npos);
}
