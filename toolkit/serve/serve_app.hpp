#pragma once

#include <signal.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "toolkit/errors/error.hpp"
#include "toolkit/http/server.hpp"
#include "toolkit/serve/backend.hpp"
#include "toolkit/serve/line_relay.hpp"
#include "toolkit/serve/model_host.hpp"
#include "toolkit/serve/model_routes.hpp"
#include "toolkit/serve/routes.hpp"
#include "toolkit/serve/settings.hpp"
#include "toolkit/serve/signal_loop.hpp"
#include "toolkit/serve/worker_pool.hpp"
#include "toolkit/system/environment.hpp"

namespace optml::serve {

// One run of serve: listen at once, get the code, pip install its requirements, start the
// workers, serve until SIGTERM, drain, stop the workers. Everything happens on one thread
// (the io_context's); only a code download runs beside it.
class ServeApp {
  public:
    // `signals` are blocked by the caller; children start with `child_mask`.
    ServeApp(system::EnvironmentSnapshot environment, ServeSettings settings,
             std::filesystem::path serve_executable, const sigset_t& signals,
             const sigset_t& child_mask);
    ~ServeApp();
    // Returns the exit code. Throws errors::Error for start-up failures found before the loop.
    int run();

  private:
    void on_signal(int signal_number);
    void on_child_exit(pid_t pid, int wait_status);
    void tick();
    void acquire_code();
    void install_requirements();
    void check_pip();
    void start_workers();
    void make_backend(LaunchContext launch, const PoolOptions& options);
    void drain();
    void fail(errors::ErrorKind kind, const std::string& message);
    void finish(int exit_code);

    using Clock = std::chrono::steady_clock;

    system::EnvironmentSnapshot environment_;
    ServeSettings settings_;
    std::filesystem::path serve_executable_;
    std::filesystem::path model_dir_;
    std::filesystem::path code_dir_;
    sigset_t child_mask_;
    boost::asio::io_context io_;
    // One model's WorkerPool, or the ModelHost of a multi-model endpoint.
    std::unique_ptr<Backend> backend_;
    std::unique_ptr<ModelRoutes> model_routes_;
    std::unique_ptr<Routes> routes_;
    std::unique_ptr<http::Server> server_;
    std::unique_ptr<SignalLoop> signal_loop_;
    boost::asio::steady_timer tick_timer_;
    Clock::time_point started_at_;

    std::thread code_thread_;
    std::atomic<bool> code_thread_done_{false};
    pid_t pip_pid_ = -1;
    std::optional<int> pip_status_;
    std::shared_ptr<LineRelay> pip_out_;
    std::shared_ptr<LineRelay> pip_err_;

    bool draining_ = false;
    bool finishing_ = false;
    std::optional<Clock::time_point> drain_deadline_;
    std::optional<Clock::time_point> finish_deadline_;
    int exit_code_ = 0;
};

}  // namespace optml::serve
