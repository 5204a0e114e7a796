#include "toolkit/sync/intermediate_sync.hpp"

#include "toolkit/config/settings.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <string_view>
#include <system_error>

#include "toolkit/errors/error.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/process/quiet_thread.hpp"
#include "toolkit/sync/folder_watcher.hpp"
#include "toolkit/sync/upload_queue.hpp"

namespace optml::sync {

namespace fs = std::filesystem;

namespace {

std::string mebibytes(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    return text;
}

// Local-mode tools pass a file:// location: output stays on this machine, as in the
// reference, which treats the scheme case-insensitively (urlparse lowers it).
bool names_local_output(const std::string& location) {
    constexpr std::string_view kScheme = "file:";
    if (location.size() < kScheme.size()) return false;
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(location[i])) != kScheme[i]) return false;
    }
    return true;
}

}  // namespace

std::unique_ptr<IntermediateSync> IntermediateSync::start_if_configured(
    const config::TrainingEnv& env, const system::EnvironmentSnapshot& environment) {
    if (!env.s3_output) return nullptr;
    if (names_local_output(*env.s3_output)) {
        // The reference still creates the folder the program writes into.
        std::error_code ignored;
        fs::create_directories(env.paths.output_intermediate, ignored);
        logging::debug(
            "sagemaker_s3_output is a file:// location; output/intermediate stays "
            "local and nothing is uploaded");
        return nullptr;
    }
    const std::optional<s3::ObjectRef> output = s3::parse_s3_uri(*env.s3_output);
    if (!output) {
        throw errors::Error(errors::ErrorKind::Configuration,
                            "sagemaker_s3_output must be an s3:// URI, as in s3://bucket/prefix, "
                            "or a file:// location for local output.");
    }
    std::string job = env.job_name.value_or("");
    if (job.empty()) job = env.sagemaker_job_name;
    if (job.empty()) {
        logging::warn(
            "sagemaker_s3_output is set but neither TRAINING_JOB_NAME nor sagemaker_job_name "
            "names the job; files in output/intermediate will not be uploaded");
        return nullptr;
    }
    SyncOptions options;
    options.flush_timeout =
        config::setting_seconds("OPTML_INTERMEDIATE_FLUSH_TIMEOUT", environment);
    auto sync = std::make_unique<IntermediateSync>(
        env.paths.output_intermediate, output->child(job + "/output/intermediate"),
        s3::client_options_from_environment(environment),
        std::make_shared<s3::CredentialsProvider>(environment), options);
    logging::info("uploading files completed in " + env.paths.output_intermediate.string() +
                  " to " + output->child(job + "/output/intermediate/").uri());
    return sync;
}

IntermediateSync::IntermediateSync(fs::path folder, s3::ObjectRef prefix,
                                   s3::ClientOptions client_options,
                                   std::shared_ptr<s3::CredentialsProvider> credentials,
                                   SyncOptions options)
    : folder_(std::move(folder)),
      prefix_(std::move(prefix)),
      options_(options),
      cancel_(std::make_shared<std::atomic<bool>>(false)),
      queue_(std::make_unique<detail::UploadQueue>()) {
    std::error_code error;
    fs::create_directories(folder_, error);
    if (error) {
        throw errors::Error(errors::ErrorKind::Configuration,
                            "Cannot create " + folder_.string() +
                                " for intermediate output: " + error.message() + ".");
    }
    client_options.cancel = [cancel = cancel_] { return cancel->load(); };
    client_ = std::make_unique<s3::Client>(std::move(client_options), std::move(credentials));
    try {
        watcher_ = std::make_unique<detail::FolderWatcher>(folder_);
    } catch (const std::system_error& failure) {
        throw errors::Error(errors::ErrorKind::Configuration,
                            "Cannot watch " + folder_.string() +
                                " for intermediate output: " + failure.what() + ".");
    }
    wake_fd_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wake_fd_) throw std::system_error(errno, std::generic_category(), "eventfd");

    watcher_thread_ = process::start_quiet_thread([this] { watch(); });
    for (std::size_t i = 0; i < std::max<std::size_t>(options_.uploaders, 1); ++i) {
        uploader_threads_.push_back(process::start_quiet_thread([this] { upload_loop(); }));
    }
}

IntermediateSync::~IntermediateSync() {
    finish();
}

void IntermediateSync::watch() {
    try {
        pollfd fds[2] = {{watcher_->fd(), POLLIN, 0}, {wake_fd_.get(), POLLIN, 0}};
        for (;;) {
            if (::poll(fds, 2, -1) < 0 && errno != EINTR)
                throw std::system_error(errno, std::generic_category(), "poll");
            for (const std::string& file : watcher_->take_completed()) queue_->push(file);
            if (fds[1].revents & POLLIN) break;
        }
        // The flush: late events, then every file (uploads skip what S3 already holds), which
        // catches files the program never closed.
        for (const std::string& file : watcher_->take_completed()) queue_->push(file);
        for (const std::string& file : watcher_->all_files()) queue_->push(file);
    } catch (const std::exception& failure) {
        logging::error(std::string("watching intermediate output stopped: ") + failure.what());
    }
    queue_->close();
}

void IntermediateSync::upload_loop() {
    while (const std::optional<std::string> relative = queue_->pop()) {
        upload(*relative);
        queue_->done(*relative);
    }
}

void IntermediateSync::upload(const std::string& relative) {
    const fs::path file = folder_ / relative;
    std::error_code error;
    const fs::file_status status = fs::symlink_status(file, error);
    if (error || !fs::is_regular_file(status)) return;  // gone again, or not a file
    Stamp stamp{fs::file_size(file, error), fs::last_write_time(file, error)};
    if (error) return;
    {
        const std::lock_guard lock(mutex_);
        if (const auto known = uploaded_.find(relative);
            known != uploaded_.end() && known->second == stamp)
            return;
    }
    const s3::ObjectRef object = prefix_.child(relative);
    try {
        client_->upload(file, object);
        const std::lock_guard lock(mutex_);
        uploaded_[relative] = stamp;
        ++totals_.uploaded;
        totals_.bytes += stamp.size;
    } catch (const std::exception& failure) {
        const std::lock_guard lock(mutex_);
        ++totals_.failed;
        logging::error("uploading intermediate output " + relative + " failed: " + failure.what());
    }
}

void IntermediateSync::finish() {
    if (finished_) return;
    finished_ = true;
    const std::uint64_t one = 1;
    if (::write(wake_fd_.get(), &one, sizeof one) != sizeof one) {
        logging::error(
            "cannot wake the intermediate output watcher; stopping it with the queue as it is");
        queue_->close();
    }
    watcher_thread_.join();
    const auto deadline = std::chrono::steady_clock::now() + options_.flush_timeout;
    if (!queue_->wait_drained(deadline)) {
        const std::size_t abandoned = queue_->abandon();
        cancel_->store(true);
        const std::lock_guard lock(mutex_);
        totals_.abandoned = abandoned;
    }
    for (std::thread& thread : uploader_threads_) thread.join();

    const SyncTotals done = totals();
    std::string summary = "intermediate output: uploaded " + std::to_string(done.uploaded) +
                          " files (" + mebibytes(done.bytes) + ") to " + prefix_.uri();
    if (done.failed == 0 && done.abandoned == 0) {
        logging::info(summary);
    } else {
        logging::error(summary + "; " + std::to_string(done.failed) + " uploads failed and " +
                       std::to_string(done.abandoned) +
                       " files were still waiting when the flush deadline passed");
    }
}

SyncTotals IntermediateSync::totals() const {
    const std::lock_guard lock(mutex_);
    return totals_;
}

}  // namespace optml::sync
