#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "toolkit/config/training_env.hpp"
#include "toolkit/s3/client.hpp"
#include "toolkit/system/environment.hpp"

namespace optml::sync {

namespace detail {
class FolderWatcher;
class UploadQueue;
}  // namespace detail

struct SyncOptions {
    std::size_t uploaders = 2;  // parallel uploads
    // How long finish() may take to upload what is left; then transfers are cancelled.
    // OPTML_INTERMEDIATE_FLUSH_TIMEOUT (seconds) sets it in start_if_configured.
    std::chrono::milliseconds flush_timeout{std::chrono::minutes(10)};  // tests shorten it
};

struct SyncTotals {
    std::size_t uploaded = 0;   // uploads that succeeded (a file changed twice counts twice)
    std::size_t failed = 0;     // uploads that failed after the client's retries
    std::size_t abandoned = 0;  // files still waiting when the flush deadline passed
    std::uint64_t bytes = 0;
};

// Uploads what the program writes to output/intermediate while it runs, as the reference
// toolkit does for sagemaker_s3_output: every file, once complete (closed after writing, or
// renamed into place), goes to <prefix>/<relative path>. Runs on its own threads, which
// block all signals, never fork and never wait for children (the supervisor owns those).
class IntermediateSync {
  public:
    // When the job sets sagemaker_s3_output: creates output/intermediate, starts watching it
    // and returns the running sync, uploading to
    // <sagemaker_s3_output>/<TRAINING_JOB_NAME>/output/intermediate/. Without
    // TRAINING_JOB_NAME the sagemaker_job_name hyperparameter names the job; without either,
    // nothing is started (a warning says so). Returns nullptr when not configured, and for a
    // file:// location (local mode: output stays local, only the folder is created). Throws
    // errors::Error(Configuration) when sagemaker_s3_output is neither s3:// nor file://.
    static std::unique_ptr<IntermediateSync> start_if_configured(
        const config::TrainingEnv& env, const system::EnvironmentSnapshot& environment);

    IntermediateSync(std::filesystem::path folder, s3::ObjectRef prefix,
                     s3::ClientOptions client_options,
                     std::shared_ptr<s3::CredentialsProvider> credentials,
                     SyncOptions options = {});
    IntermediateSync(const IntermediateSync&) = delete;
    IntermediateSync& operator=(const IntermediateSync&) = delete;

    // Uploads everything written so far that is not in S3 yet, also files that were never
    // closed, and returns when all uploads have finished or the flush deadline passed.
    // Idempotent; never throws (failures are logged and counted).
    void finish();
    ~IntermediateSync();

    SyncTotals totals() const;

  private:
    struct Stamp {
        std::uintmax_t size = 0;
        std::filesystem::file_time_type modified;
        bool operator==(const Stamp&) const = default;
    };

    void watch();
    void upload_loop();
    void upload(const std::string& relative);

    std::filesystem::path folder_;
    s3::ObjectRef prefix_;
    SyncOptions options_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    std::unique_ptr<s3::Client> client_;
    std::unique_ptr<detail::FolderWatcher> watcher_;
    std::unique_ptr<detail::UploadQueue> queue_;
    int wake_fd_ = -1;
    std::thread watcher_thread_;
    std::vector<std::thread> uploader_threads_;
    bool finished_ = false;

    mutable std::mutex mutex_;
    std::map<std::string, Stamp> uploaded_;  // what S3 holds, as the file looked when read
    SyncTotals totals_;
};

}  // namespace optml::sync
