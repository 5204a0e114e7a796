#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

#include "tests/unit/sync/s3rver_process.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/sync/intermediate_sync.hpp"

using namespace optml;
namespace fs = std::filesystem;

namespace {

struct TempFolder {
    fs::path path;
    TempFolder() {
        std::string pattern = (fs::temp_directory_path() / "optml-sync-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~TempFolder() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

std::string random_bytes(std::size_t size, unsigned seed) {
    std::mt19937 generator(seed);
    std::string bytes(size, '\0');
    for (char& byte : bytes) byte = static_cast<char>(generator() & 0xff);
    return bytes;
}

void write_file(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string read_file(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << file.rdbuf();
    return bytes.str();
}

system::EnvironmentSnapshot s3rver_environment(const testing::S3rverProcess& server) {
    return system::EnvironmentSnapshot({{"AWS_ACCESS_KEY_ID", "S3RVER"},
                                        {"AWS_SECRET_ACCESS_KEY", "S3RVER"},
                                        {"AWS_REGION", "us-east-1"},
                                        {"AWS_EC2_METADATA_DISABLED", "true"},
                                        {"S3_ENDPOINT_URL", server.endpoint()}});
}

s3::Client client_for(const testing::S3rverProcess& server) {
    return s3::Client::from_environment(s3rver_environment(server));
}

// What S3 holds under key, or nullopt.
std::optional<std::string> object_bytes(s3::Client& client, const s3::ObjectRef& object,
                                        const fs::path& scratch) {
    if (!client.object_size(object)) return std::nullopt;
    client.download(object, scratch);
    return read_file(scratch);
}

bool eventually(const std::function<bool()>& condition,
                std::chrono::seconds limit = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling with a deadline
    }
    return condition();
}

config::TrainingEnv training_env(const fs::path& base, std::optional<std::string> s3_output,
                                 std::optional<std::string> job_name) {
    config::TrainingEnv env;
    env.paths = config::Paths::under(base);
    env.s3_output = std::move(s3_output);
    env.job_name = std::move(job_name);
    return env;
}

#define SKIP_WITHOUT_S3RVER()                                              \
    if (const auto missing = testing::s3rver_missing()) {                  \
        WARN("SKIPPED: " << *missing << " (run scripts/install-deps.sh)"); \
        return;                                                            \
    }

}  // namespace

TEST_CASE("files of every size arrive with identical bytes, during the run and at finish") {
    SKIP_WITHOUT_S3RVER();
    testing::S3rverProcess server({"bucket"});
    s3::Client reader = client_for(server);
    TempFolder root;
    const fs::path folder = root.path / "intermediate";
    const s3::ObjectRef prefix{"bucket", "out/job/output/intermediate"};
    const auto environment = s3rver_environment(server);

    const std::map<std::string, std::string> files{
        {"empty.bin", ""},
        {"small.txt", "epoch 1: loss 0.25\n"},
        {"nested/deeper/weights.bin", random_bytes(300 * 1024, 1)},
        {"multipart.bin", random_bytes(21 * 1024 * 1024 + 17, 2)},  // 3 parts of 8 MiB
    };
    std::optional<sync::IntermediateSync> sync;
    sync.emplace(folder, prefix, s3::client_options_from_environment(environment),
                 std::make_shared<s3::CredentialsProvider>(environment));
    for (const auto& [name, bytes] : files) write_file(folder / name, bytes);

    // Closed files are uploaded while the program still runs, not only at the end.
    CHECK(
        eventually([&] { return reader.object_size(prefix.child("multipart.bin")).has_value(); }));

    // Renamed into place (the usual way to publish a checkpoint atomically).
    write_file(root.path / "staging.ckpt", "checkpoint-bytes");
    fs::rename(root.path / "staging.ckpt", folder / "model.ckpt");
    // Written and never closed before the program ends: only finish() can catch it.
    const int open_fd = ::open((folder / "still-open.log").c_str(), O_WRONLY | O_CREAT, 0644);
    REQUIRE(open_fd >= 0);
    REQUIRE(::write(open_fd, "partial line", 12) == 12);

    sync->finish();
    ::close(open_fd);

    std::map<std::string, std::string> expected = files;
    expected["model.ckpt"] = "checkpoint-bytes";
    expected["still-open.log"] = "partial line";
    for (const auto& [name, bytes] : expected) {
        INFO(name);
        const auto stored = object_bytes(reader, prefix.child(name), root.path / "downloaded");
        REQUIRE(stored.has_value());
        CHECK(stored->size() == bytes.size());
        CHECK(*stored == bytes);
    }
    const sync::SyncTotals totals = sync->totals();
    CHECK(totals.failed == 0);
    CHECK(totals.abandoned == 0);
}

TEST_CASE("a file rewritten after its upload is uploaded again; S3 ends with the last bytes") {
    SKIP_WITHOUT_S3RVER();
    testing::S3rverProcess server({"bucket"});
    s3::Client reader = client_for(server);
    TempFolder root;
    const auto environment = s3rver_environment(server);
    const s3::ObjectRef prefix{"bucket", "p"};
    sync::IntermediateSync sync(root.path / "i", prefix,
                                s3::client_options_from_environment(environment),
                                std::make_shared<s3::CredentialsProvider>(environment));
    write_file(root.path / "i" / "metrics.json", "{\"step\": 1}");
    CHECK(eventually([&] { return reader.object_size(prefix.child("metrics.json")) == 11u; }));
    write_file(root.path / "i" / "metrics.json", "{\"step\": 200}");
    sync.finish();
    CHECK(object_bytes(reader, prefix.child("metrics.json"), root.path / "d") == "{\"step\": 200}");
}

TEST_CASE("start_if_configured: the reference's key layout under sagemaker_s3_output") {
    SKIP_WITHOUT_S3RVER();
    testing::S3rverProcess server({"bucket"});
    s3::Client reader = client_for(server);
    TempFolder root;
    const config::TrainingEnv env = training_env(root.path / "ml", "s3://bucket/outputs", "job-7");
    auto sync = sync::IntermediateSync::start_if_configured(env, s3rver_environment(server));
    REQUIRE(sync);
    CHECK(fs::is_directory(env.paths.output_intermediate));
    write_file(env.paths.output_intermediate / "sub" / "a.txt", "A");
    sync->finish();
    CHECK(object_bytes(reader, {"bucket", "outputs/job-7/output/intermediate/sub/a.txt"},
                       root.path / "d") == "A");
}

TEST_CASE(
    "start_if_configured: nothing without sagemaker_s3_output or a job name; an error for a non-s3 "
    "URI") {
    TempFolder root;
    const system::EnvironmentSnapshot environment(
        system::EnvironmentSnapshot::Variables{{"AWS_EC2_METADATA_DISABLED", "true"}});
    CHECK(sync::IntermediateSync::start_if_configured(training_env(root.path, std::nullopt, "job"),
                                                      environment) == nullptr);
    CHECK(sync::IntermediateSync::start_if_configured(
              training_env(root.path, "s3://b/p", std::nullopt), environment) == nullptr);
    CHECK_FALSE(fs::exists(config::Paths::under(root.path).output_intermediate));
    CHECK_THROWS_AS(sync::IntermediateSync::start_if_configured(
                        training_env(root.path, "/local/path", "job"), environment),
                    errors::Error);
}

TEST_CASE(
    "start_if_configured: a file:// location means local output: the folder exists, nothing "
    "syncs") {
    const system::EnvironmentSnapshot environment(
        system::EnvironmentSnapshot::Variables{{"AWS_EC2_METADATA_DISABLED", "true"}});
    for (const char* location : {"file:///tmp/local-output", "FILE:///x", "file:relative"}) {
        TempFolder root;
        const config::TrainingEnv env = training_env(root.path, location, "job");
        CHECK(sync::IntermediateSync::start_if_configured(env, environment) == nullptr);
        CHECK(fs::is_directory(env.paths.output_intermediate));
    }
    TempFolder root;
    CHECK_THROWS_AS(sync::IntermediateSync::start_if_configured(
                        training_env(root.path, "files://b/p", "job"), environment),
                    errors::Error);
}

namespace {

// The SigBlk mask of every thread of this process except the calling one.
std::vector<unsigned long long> other_threads_blocked_masks() {
    std::vector<unsigned long long> masks;
    const std::string self = std::to_string(::gettid());
    for (const auto& task : fs::directory_iterator("/proc/self/task")) {
        if (task.path().filename() == self) continue;
        std::ifstream status(task.path() / "status");
        for (std::string line; std::getline(status, line);) {
            if (line.rfind("SigBlk:", 0) == 0)
                masks.push_back(std::stoull(line.substr(7), nullptr, 16));
        }
    }
    return masks;
}

}  // namespace

TEST_CASE("the sync threads block SIGCHLD and the stop signals, so the supervisor receives them") {
    TempFolder root;
    const system::EnvironmentSnapshot environment({{"AWS_ACCESS_KEY_ID", "x"},
                                                   {"AWS_SECRET_ACCESS_KEY", "y"},
                                                   {"S3_ENDPOINT_URL", "http://127.0.0.1:9"}});
    sync::IntermediateSync sync(root.path / "i", {"bucket", "p"},
                                s3::client_options_from_environment(environment),
                                std::make_shared<s3::CredentialsProvider>(environment));
    const auto masks = other_threads_blocked_masks();
    REQUIRE(masks.size() >= 3);  // the watcher and two uploaders
    for (const unsigned long long mask : masks) {
        for (const int signal : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) {
            CHECK((mask >> (signal - 1) & 1) == 1);
        }
    }
    sync.finish();
}

TEST_CASE("finish keeps its deadline when S3 does not answer") {
    TempFolder root;
    // A listening socket that never answers: connections hang until cancelled.
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(listener, 16) == 0);
    REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    const system::EnvironmentSnapshot environment(
        {{"AWS_ACCESS_KEY_ID", "x"},
         {"AWS_SECRET_ACCESS_KEY", "y"},
         {"S3_ENDPOINT_URL", "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port))}});
    sync::SyncOptions options;
    options.flush_timeout = std::chrono::milliseconds(1500);
    sync::IntermediateSync sync(root.path / "i", {"bucket", "p"},
                                s3::client_options_from_environment(environment),
                                std::make_shared<s3::CredentialsProvider>(environment), options);
    for (int i = 0; i < 5; ++i) write_file(root.path / "i" / ("f" + std::to_string(i)), "x");
    const auto started = std::chrono::steady_clock::now();
    sync.finish();
    const auto took = std::chrono::steady_clock::now() - started;
    ::close(listener);
    CHECK(took < std::chrono::seconds(5));
    const sync::SyncTotals totals = sync.totals();
    CHECK(totals.uploaded == 0);
    CHECK(totals.failed + totals.abandoned == 5);
}
