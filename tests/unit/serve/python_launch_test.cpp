#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "toolkit/serve/python_launch.hpp"

using namespace optml;
using namespace optml::serve;

namespace {

bool has(const std::vector<std::string>& environment, const std::string& entry) {
    return std::find(environment.begin(), environment.end(), entry) != environment.end();
}

}  // namespace

TEST_CASE("workers get the protocol's variables and the code dir first on PYTHONPATH") {
    LaunchContext context;
    context.environment = system::EnvironmentSnapshot(
        {{"PYTHONPATH", "/extra"}, {"OPTML_SERVE_WORKER_ID", "9"}, {"HOME", "/root"}});
    context.model_dir = "/base/model";
    context.code_dir = "/base/model/code";
    context.package_dir = "/opt/optml/python";
    context.program = "inference.py";
    context.default_accept = "text/csv";
    const auto worker = python_environment(context, Role::Worker, 2);
    CHECK(has(worker, "PYTHONPATH=/base/model/code:/opt/optml/python:/extra"));
    CHECK(has(worker, "OPTML_SERVE_FD=3"));
    CHECK(has(worker, "OPTML_SERVE_ROLE=worker"));
    CHECK(has(worker, "OPTML_SERVE_WORKER_ID=2"));
    CHECK(has(worker, "OPTML_SERVE_MODEL_DIR=/base/model"));
    CHECK(has(worker, "OPTML_SERVE_CODE_DIR=/base/model/code"));
    CHECK(has(worker, "SAGEMAKER_PROGRAM=inference.py"));
    CHECK(has(worker, "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT=text/csv"));
    CHECK(has(worker, "HOME=/root"));
    const auto loader = python_environment(context, Role::Loader, 0);
    CHECK(has(loader, "OPTML_SERVE_ROLE=loader"));
    CHECK(std::none_of(loader.begin(), loader.end(), [](const std::string& entry) {
        return entry.starts_with("OPTML_SERVE_WORKER_ID=");
    }));
}

TEST_CASE("the package dir: the override, else ../python beside serve when it has the worker") {
    namespace fs = std::filesystem;
    const fs::path root =
        fs::temp_directory_path() / ("optml-launch-test-" + std::to_string(getpid()));
    fs::create_directories(root / "bin");
    CHECK(find_package_dir(std::string("/somewhere"), root / "bin" / "serve") ==
          fs::path("/somewhere"));
    CHECK_FALSE(find_package_dir(std::nullopt, root / "bin" / "serve").has_value());
    fs::create_directories(root / "python" / "optml_toolkit" / "serving");
    std::ofstream(root / "python" / "optml_toolkit" / "serving" / "worker.py") << "\n";
    CHECK(find_package_dir(std::nullopt, root / "bin" / "serve") == root / "python");
    fs::remove_all(root);
}
