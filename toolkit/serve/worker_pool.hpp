#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "toolkit/http/server.hpp"
#include "toolkit/serve/backend.hpp"
#include "toolkit/serve/line_relay.hpp"
#include "toolkit/serve/messages.hpp"
#include "toolkit/serve/python_launch.hpp"
#include "toolkit/serve/worker_connection.hpp"

namespace optml::serve {

struct PoolOptions {
    unsigned workers = 1;
    std::chrono::seconds request_timeout{60};
    std::chrono::seconds startup_timeout{600};
    unsigned queue_size = 100;
    std::optional<bool> preload;  // nullopt: preload when the loader says forking is safe
    // Multi-model: loaded once the model is (no worker yet); then a worker starts whenever
    // requests wait and every started one is busy, up to `workers`.
    bool lazy_workers = false;
    // Multi-model: `model "<name>"`, which starts the pool's log lines and output tags.
    std::string model_label;
};

// Why a pool could not load its model.
struct LoadFailure {
    std::string message;
    // The loader was killed by SIGKILL (what the OOM killer sends) or model_fn raised
    // MemoryError: the model did not fit.
    bool out_of_memory = false;
};

// An invocation taken from its HTTP request, ready for a worker.
struct QueuedInvocation {
    http::Reply reply;
    std::string header;
    std::string body;
    std::uint64_t id = 0;
};
QueuedInvocation queue_invocation(std::uint64_t id, http::Request& request, http::Reply reply);

// One worker as GET /models/{name} describes it.
struct WorkerView {
    int id = 0;
    pid_t pid = -1;
    std::string_view status;  // Starting, Ready, Busy
};

// The Python processes behind /invocations (SERVE_PROTOCOL.md): a loader that loads the
// model once and forks the workers, or workers that each load it; one request at a time per
// worker, a bounded queue in front of them; dead and hung workers replaced. All of it runs on
// the io_context's one thread; the front end's reaper reports child exits.
class WorkerPool : public Backend {
  public:
    struct Events {
        std::function<void()> on_all_ready;  // every worker ready (lazy: loaded), once
        std::function<void(const LoadFailure&)> on_fatal;  // start-up failed
    };

    WorkerPool(boost::asio::io_context& io, LaunchContext launch, PoolOptions options,
               Events events);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    void start() override;
    // Queues the invocation (503 when the queue is full, or before the model is loaded).
    void submit(http::Request& request, http::Reply reply) override;
    void submit(QueuedInvocation invocation);

    bool loaded() const override { return loaded_; }
    bool healthy() const override;
    unsigned workers() const { return options_.workers; }
    // Nothing queued and nothing in flight.
    bool idle() const;
    // Every process of the pool that has not been reaped.
    std::vector<pid_t> pids() const;
    std::vector<WorkerView> worker_views() const;

    bool on_child_exit(pid_t pid, int wait_status) override;
    // Request timeouts, lost connections, replacements, start-up timeout.
    void tick() override;

    void stop(std::chrono::milliseconds grace, std::function<void()> on_stopped) override;
    // SIGKILL to every process group now.
    void kill_all() override;
    bool has_children() const override { return !live_pids_.empty(); }

  private:
    using Clock = std::chrono::steady_clock;
    struct Process;
    using Invocation = QueuedInvocation;
    enum class SlotState { Empty, Starting, Ready, Busy };
    struct Slot {
        int id = 0;
        std::unique_ptr<Process> process;
        SlotState state = SlotState::Empty;
        std::optional<Invocation> in_flight;
        Clock::time_point deadline{};
        unsigned failures_in_row = 0;
        std::optional<Clock::time_point> restart_at;
    };

    std::unique_ptr<Process> attach(system::UniqueFd connection, system::UniqueFd stdout_read,
                                    system::UniqueFd stderr_read, pid_t pid, std::string tag,
                                    int slot_id);
    void start_loader();
    void start_slot(Slot& slot);
    void on_frame(int slot_id, std::uint64_t serial, Frame&& frame);
    void on_disconnect(int slot_id, std::uint64_t serial, const std::string& why);
    void on_loader_message(const WorkerMessage& message);
    void mark_loaded();
    void start_workers_for_queue();
    std::string tag(int slot_id) const;
    std::string log_prefix() const;
    void on_worker_message(Slot& slot, WorkerMessage& message, std::string&& body);
    void loader_gone(const std::string& description, bool killed = false);
    void slot_gone(Slot& slot, const std::string& description, bool killed = false);
    void schedule_restart(Slot& slot);
    void dispatch();
    void fatal(const std::string& message, bool out_of_memory = false);
    Process* find_process(int slot_id, std::uint64_t serial);
    void signal_group(pid_t pid, int signal_number);

    boost::asio::io_context& io_;
    LaunchContext launch_;
    PoolOptions options_;
    Events events_;
    std::vector<Slot> slots_;
    std::unique_ptr<Process> loader_;
    bool loader_ready_ = false;  // loaded, forking
    bool fork_mode_ = false;
    bool mode_decided_ = false;
    bool started_ = false;
    bool loaded_ = false;
    bool failed_ = false;
    bool stopping_ = false;
    std::deque<Invocation> queue_;
    std::vector<int> idle_;
    std::uint64_t next_request_id_ = 1;
    std::uint64_t next_serial_ = 1;
    std::unordered_map<pid_t, std::pair<int, std::uint64_t>> pid_owner_;  // pid -> slot, serial
    std::unordered_map<pid_t, int> live_pids_;  // every child we know and have not reaped
    Clock::time_point startup_deadline_{};
    std::optional<Clock::time_point> kill_at_;
    std::optional<Clock::time_point> loader_restart_at_;
    std::function<void()> on_stopped_;
    std::string header_scratch_;
};

// "it was killed by SIGKILL", "it exited with code 1".
std::string describe_wait_status(int wait_status);

}  // namespace optml::serve
