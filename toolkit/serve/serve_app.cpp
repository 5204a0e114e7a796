#include "toolkit/serve/serve_app.hpp"

#include <signal.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include "toolkit/files/code_acquisition.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/process/command.hpp"
#include "toolkit/process/pipe.hpp"
#include "toolkit/process/signal_name.hpp"
#include "toolkit/process/spawn.hpp"
#include "toolkit/reporting/verdict.hpp"
#include "toolkit/serve/model_memory.hpp"
#include "toolkit/system/executable_search.hpp"

namespace optml::serve {

namespace {

using namespace std::chrono_literals;

// Children get this long between SIGTERM and SIGKILL when serve stops.
constexpr std::chrono::milliseconds kStopGrace = 3s;
// After a failure or a stop, how long serve waits for its children to be reaped.
constexpr std::chrono::milliseconds kFinishWait = 3s;

std::string elapsed_text(std::chrono::steady_clock::duration elapsed) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()) +
           " ms";
}

// pip's own complaint: its ERROR lines, else the last line it wrote.
std::string pip_complaint(const std::string& tail) {
    std::string errors;
    std::string last;
    std::size_t start = 0;
    while (start < tail.size()) {
        auto end = tail.find('\n', start);
        if (end == std::string::npos) end = tail.size();
        const std::string line = tail.substr(start, end - start);
        if (line.starts_with("ERROR:")) errors += (errors.empty() ? "" : " ") + line;
        if (line.find_first_not_of(" \t") != std::string::npos) last = line;
        start = end + 1;
    }
    return errors.empty() ? last : errors;
}

}  // namespace

ServeApp::ServeApp(system::EnvironmentSnapshot environment, ServeSettings settings,
                   std::filesystem::path serve_executable, const sigset_t& signals,
                   const sigset_t& child_mask)
    : environment_(std::move(environment)),
      settings_(std::move(settings)),
      serve_executable_(std::move(serve_executable)),
      child_mask_(child_mask),
      tick_timer_(io_) {
    const std::filesystem::path base = settings_.base_dir;
    // A multi-model endpoint's models live in folders of their own; the container's code dir
    // is where the reference puts it then, under models/.
    model_dir_ = base / (settings_.multi_model ? "models" : "model");
    code_dir_ = model_dir_ / "code";
    if (settings_.submit_directory) {
        const std::string& submit = *settings_.submit_directory;
        std::error_code ignored;
        if (!submit.starts_with("s3://") && std::filesystem::is_directory(submit, ignored)) {
            code_dir_ = submit;  // a local folder is used where it is
        } else {
            code_dir_ = base / "code";  // an archive is extracted where the legacy stack put it
        }
    }
    signal_loop_ =
        std::make_unique<SignalLoop>(io_, signals, [this](int number) { on_signal(number); });
}

ServeApp::~ServeApp() {
    if (code_thread_.joinable()) {
        if (code_thread_done_) {
            code_thread_.join();
        } else {
            // A download still running when serve was told to stop: nothing to save.
            std::_Exit(exit_code_);
        }
    }
}

int ServeApp::run() {
    started_at_ = Clock::now();
    const auto python =
        system::find_executable(settings_.python, environment_.get_or("PATH", "/usr/bin:/bin"));
    if (!python) {
        throw errors::Error(errors::ErrorKind::Configuration,
                            "The Python interpreter named by OPTML_PYTHON (default python3) was "
                            "not found on PATH.");
    }
    LaunchContext launch;
    launch.python = *python;
    launch.environment = environment_;
    launch.model_dir = model_dir_;
    launch.code_dir = code_dir_;
    launch.package_dir = find_package_dir(settings_.python_package_dir, serve_executable_);
    launch.program = settings_.program;
    launch.default_accept = settings_.default_accept;
    launch.child_mask = child_mask_;

    PoolOptions options;
    options.workers = settings_.workers;
    options.request_timeout = settings_.model_server_timeout;
    options.startup_timeout = settings_.startup_timeout;
    options.queue_size = settings_.queue_size;
    options.preload = settings_.preload;
    make_backend(std::move(launch), options);

    http::Limits limits;
    limits.max_body_bytes = settings_.max_body_bytes();
    server_ = std::make_unique<http::Server>(io_, *routes_, limits);
    boost::system::error_code address_error;
    const auto address = boost::asio::ip::make_address(settings_.bind_address, address_error);
    if (address_error) {
        throw errors::Error(errors::ErrorKind::Configuration,
                            "OPTML_SERVE_BIND_ADDRESS is not an IP address.");
    }
    try {
        server_->listen({address, settings_.port});
    } catch (const boost::system::system_error& error) {
        throw errors::Error(errors::ErrorKind::Supervision,
                            "Cannot listen on port " + std::to_string(settings_.port) + ": " +
                                error.code().message() + ".");
    }
    logging::info("listening on " + settings_.bind_address + ":" + std::to_string(server_->port()) +
                  " with " + std::to_string(settings_.workers) + " worker(s)" +
                  (settings_.multi_model ? " per model" : ""));

    signal_loop_->start();
    tick();
    boost::asio::post(io_, [this] { acquire_code(); });
    io_.run();
    logging::info("serve exits with code " + std::to_string(exit_code_));
    return exit_code_;
}

void ServeApp::make_backend(LaunchContext launch, const PoolOptions& options) {
    if (settings_.multi_model) {
        ModelHostOptions host_options;
        host_options.launch = std::move(launch);
        host_options.pool = options;
        host_options.budget_bytes =
            model_memory_budget_bytes(settings_.model_memory_mb, ServeSettings::kDefaultMemoryShare,
                                      container_memory_limit_bytes());
        host_options.stop_grace = kStopGrace;
        auto host = std::make_unique<ModelHost>(io_, std::move(host_options));
        model_routes_ = std::make_unique<ModelRoutes>(*host);
        routes_ = std::make_unique<Routes>(settings_, *host, model_routes_.get());
        backend_ = std::move(host);
        return;
    }
    WorkerPool::Events events;
    events.on_all_ready = [this] {
        logging::info("all " + std::to_string(settings_.workers) + " worker(s) ready, " +
                      elapsed_text(Clock::now() - started_at_) + " after start");
    };
    events.on_fatal = [this](const LoadFailure& failure) {
        fail(errors::ErrorKind::Supervision, failure.message);
    };
    backend_ = std::make_unique<WorkerPool>(io_, std::move(launch), options, std::move(events));
    routes_ = std::make_unique<Routes>(settings_, *backend_);
}

void ServeApp::tick() {
    tick_timer_.expires_after(http::kSweepInterval);
    tick_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec) return;
        const auto now = Clock::now();
        backend_->tick();
        check_pip();
        if (draining_ && drain_deadline_ && now > *drain_deadline_) {
            drain_deadline_.reset();
            logging::warn(
                "requests still in flight after the drain deadline "
                "(OPTML_SERVE_DRAIN_TIMEOUT); they are cut off");
            server_->close();
            backend_->stop(kStopGrace, [this] { finish(0); });
        }
        if (finishing_ && finish_deadline_ &&
            ((!backend_->has_children() && pip_pid_ < 0) || now > *finish_deadline_)) {
            io_.stop();
            return;
        }
        tick();
    });
}

void ServeApp::on_signal(int signal_number) {
    if (signal_number == SIGCHLD) {
        reap_children([this](pid_t pid, int status) { on_child_exit(pid, status); });
        return;
    }
    if (signal_number != SIGTERM && signal_number != SIGINT) {
        logging::info("ignoring " + process::signal_name(signal_number));
        return;
    }
    if (finishing_ || draining_) return;
    if (!backend_->loaded()) {
        logging::info(process::signal_name(signal_number) + " during start-up: stopping now");
        backend_->kill_all();
        if (pip_pid_ > 0) ::kill(-pip_pid_, SIGKILL);
        finish(0);
        return;
    }
    logging::info(process::signal_name(signal_number) +
                  ": no new connections; finishing the requests in flight");
    drain();
}

void ServeApp::drain() {
    draining_ = true;
    drain_deadline_ = Clock::now() + settings_.drain_timeout;
    server_->drain([this] {
        if (!draining_ || finishing_) return;
        drain_deadline_.reset();
        logging::info("every request answered; stopping the workers");
        backend_->stop(kStopGrace, [this] { finish(0); });
    });
}

void ServeApp::on_child_exit(pid_t pid, int wait_status) {
    if (pid == pip_pid_) {
        pip_status_ = wait_status;
        pip_pid_ = -1;
        check_pip();
        return;
    }
    backend_->on_child_exit(pid, wait_status);
}

void ServeApp::acquire_code() {
    if (finishing_) return;
    const auto& submit = settings_.submit_directory;
    if (!submit || code_dir_ == std::filesystem::path(*submit)) {
        install_requirements();
        return;
    }
    logging::info("getting the code named by SAGEMAKER_SUBMIT_DIRECTORY into " +
                  code_dir_.string());
    // Downloads and extraction block: they run beside the loop, which keeps answering /ping
    // and signals.
    code_thread_ = std::thread([this, submit = *submit] {
        std::optional<errors::Error> failure;
        try {
            files::acquire_code(submit, code_dir_, environment_);
        } catch (const errors::Error& error) {
            failure = error;
        } catch (const std::exception& error) {
            failure = errors::Error(errors::ErrorKind::CodeAcquisition, error.what());
        }
        code_thread_done_ = true;
        boost::asio::post(io_, [this, failure] {
            code_thread_.join();
            if (failure) {
                fail(failure->kind(), failure->what());
            } else {
                install_requirements();
            }
        });
    });
}

void ServeApp::install_requirements() {
    if (finishing_) return;
    const auto requirements = code_dir_ / "requirements.txt";
    std::error_code ignored;
    if (!std::filesystem::is_regular_file(requirements, ignored)) {
        start_workers();
        return;
    }
    logging::info("installing " + requirements.string() + " with pip");
    const auto python =
        system::find_executable(settings_.python, environment_.get_or("PATH", "/usr/bin:/bin"));
    process::Command command;
    command.executable = python->string();
    command.argv = {python->string(), "-m", "pip", "install", "-r", "requirements.txt"};
    // As train does: the container's site, no version check, never a prompt.
    command.env = system::merge_environment(
        environment_, {{"PIP_DISABLE_PIP_VERSION_CHECK", "1"}, {"PIP_NO_INPUT", "1"}});
    if (!environment_.get("PIP_BREAK_SYSTEM_PACKAGES")) {
        command.env.push_back("PIP_BREAK_SYSTEM_PACKAGES=1");
    }
    command.cwd = code_dir_;
    process::Pipe out = process::make_pipe();
    process::Pipe err = process::make_pipe();
    system::UniqueFd null_input = process::open_null_input();
    const process::ExecPlan plan(command);
    process::ChildFds fds;
    fds.stdin_fd = null_input.get();
    fds.stdout_fd = out.write_end.get();
    fds.stderr_fd = err.write_end.get();
    const auto result = process::spawn_program(plan, fds, child_mask_);
    if (!result.started) {
        fail(errors::ErrorKind::InstallRequirements,
             "pip install -r requirements.txt could not start: " + result.start_error);
        return;
    }
    pip_pid_ = result.pid;
    out.write_end.reset();
    err.write_end.reset();
    pip_out_ = std::make_shared<LineRelay>(io_, std::move(out.read_end), "pip", STDOUT_FILENO);
    pip_err_ = std::make_shared<LineRelay>(io_, std::move(err.read_end), "pip", STDERR_FILENO);
    pip_err_->keep_tail(8192);
    pip_out_->start();
    pip_err_->start();
}

void ServeApp::check_pip() {
    if (!pip_status_ || !pip_err_ || !pip_err_->finished()) return;
    const int status = *pip_status_;
    pip_status_.reset();
    const std::string complaint = pip_complaint(pip_err_->tail());
    pip_out_.reset();
    pip_err_.reset();
    if (finishing_) return;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fail(errors::ErrorKind::InstallRequirements,
             "pip install -r requirements.txt failed (" + describe_wait_status(status) + ")" +
                 (complaint.empty() ? std::string(".") : ": " + complaint));
        return;
    }
    logging::info("requirements installed");
    start_workers();
}

void ServeApp::start_workers() {
    if (finishing_) return;
    try {
        backend_->start();
    } catch (const errors::Error& error) {
        fail(error.kind(), error.what());
    }
}

void ServeApp::fail(errors::ErrorKind kind, const std::string& message) {
    if (finishing_) return;
    const errors::Error error(kind, message);
    logging::error(message);
    backend_->kill_all();
    if (pip_pid_ > 0) ::kill(-pip_pid_, SIGKILL);
    finish(reporting::verdict_for_error(error).exit_code);
}

void ServeApp::finish(int exit_code) {
    if (finishing_) return;
    finishing_ = true;
    exit_code_ = exit_code;
    server_->close();
    finish_deadline_ = Clock::now() + kFinishWait;
    if (!backend_->has_children() && pip_pid_ < 0) io_.stop();
}

}  // namespace optml::serve
