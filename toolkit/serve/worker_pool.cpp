#include "toolkit/serve/worker_pool.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>

#include "toolkit/errors/error.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/process/signal_name.hpp"

namespace optml::serve {

namespace {

constexpr int kLoaderSlot = -1;
// A process whose connection closed gets this long to be reaped, so its 500 names the crash.
constexpr std::chrono::milliseconds kReapGrace{1000};
constexpr std::string_view kTextType = "text/plain; charset=utf-8";
constexpr std::string_view kQueueFull =
    "The model server is busy: every worker is busy and the queue is full.\n";

bool killed_by_sigkill(int wait_status) {
    return WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL;
}

}  // namespace

QueuedInvocation queue_invocation(std::uint64_t id, http::Request& request, http::Reply reply) {
    QueuedInvocation invocation;
    invocation.id = id;
    write_invoke_header(id, request, invocation.header);
    invocation.body = std::move(request.body());
    invocation.reply = std::move(reply);
    return invocation;
}

std::string describe_wait_status(int wait_status) {
    if (WIFSIGNALED(wait_status)) {
        return "it was killed by " + process::signal_name(WTERMSIG(wait_status));
    }
    if (WIFEXITED(wait_status)) {
        return "it exited with code " + std::to_string(WEXITSTATUS(wait_status));
    }
    return "it ended";
}

struct WorkerPool::Process {
    std::uint64_t serial = 0;
    pid_t pid = -1;
    std::shared_ptr<WorkerConnection> connection;
    std::shared_ptr<LineRelay> out;
    std::shared_ptr<LineRelay> err;
    std::optional<Clock::time_point> disconnected_at;
    std::string disconnect_reason;
    std::string fatal_message;
    bool fatal_out_of_memory = false;

    ~Process() {
        if (connection) connection->close();
        // The relays read on until the pipes close, so a dying process's last lines show.
    }
};

WorkerPool::WorkerPool(boost::asio::io_context& io, LaunchContext launch, PoolOptions options,
                       Events events)
    : io_(io), launch_(std::move(launch)), options_(options), events_(std::move(events)) {
    slots_.resize(options_.workers);
    for (unsigned k = 0; k < options_.workers; ++k) slots_[k].id = static_cast<int>(k);
}

WorkerPool::~WorkerPool() = default;

std::string WorkerPool::tag(int slot_id) const {
    return (options_.model_label.empty() ? "" : options_.model_label + " ") +
           (slot_id == kLoaderSlot ? "loader" : "worker " + std::to_string(slot_id));
}

std::string WorkerPool::log_prefix() const {
    return options_.model_label.empty() ? "" : options_.model_label + ": ";
}

void WorkerPool::start() {
    started_ = true;
    startup_deadline_ = Clock::now() + options_.startup_timeout;
    if (options_.preload == false) {
        // Each worker loads its own model: no loader at all.
        mode_decided_ = true;
        fork_mode_ = false;
        logging::info(log_prefix() +
                      "OPTML_SERVE_PRELOAD=false: every worker loads the model itself");
        if (options_.lazy_workers) {
            start_slot(slots_.front());  // the load the answer waits for
        } else {
            for (Slot& slot : slots_) start_slot(slot);
        }
        return;
    }
    start_loader();
}

std::unique_ptr<WorkerPool::Process> WorkerPool::attach(system::UniqueFd connection,
                                                        system::UniqueFd stdout_read,
                                                        system::UniqueFd stderr_read, pid_t pid,
                                                        std::string tag, int slot_id) {
    auto process = std::make_unique<Process>();
    process->serial = next_serial_++;
    process->pid = pid;
    process->out = std::make_shared<LineRelay>(io_, std::move(stdout_read), tag, STDOUT_FILENO);
    process->err = std::make_shared<LineRelay>(io_, std::move(stderr_read), tag, STDERR_FILENO);
    process->err->keep_tail(4096);
    process->out->start();
    process->err->start();
    process->connection = std::make_shared<WorkerConnection>(io_, std::move(connection));
    const std::uint64_t serial = process->serial;
    process->connection->start(
        [this, slot_id, serial](Frame&& frame) { on_frame(slot_id, serial, std::move(frame)); },
        [this, slot_id, serial](const std::string& why) { on_disconnect(slot_id, serial, why); });
    if (pid > 0) {
        pid_owner_[pid] = {slot_id, serial};
        live_pids_[pid] = slot_id;
    }
    return process;
}

void WorkerPool::start_loader() {
    loader_ready_ = false;
    StartedPython started = start_python(launch_, Role::Loader, 0);
    logging::info(log_prefix() + "started the model loader (pid " + std::to_string(started.pid) +
                  ")");
    loader_ = attach(std::move(started.connection), std::move(started.stdout_read),
                     std::move(started.stderr_read), started.pid, tag(kLoaderSlot), kLoaderSlot);
}

void WorkerPool::start_slot(Slot& slot) {
    slot.restart_at.reset();
    if (stopping_ || failed_) return;
    if (fork_mode_) {
        if (!loader_ready_ || !loader_) return;  // forked once the loader has loaded again
        ForkEnds ends = make_fork_ends();
        const std::array<int, 3> fds{ends.worker_connection.get(), ends.stdout_write.get(),
                                     ends.stderr_write.get()};
        slot.process = attach(std::move(ends.connection), std::move(ends.stdout_read),
                              std::move(ends.stderr_read), -1, tag(slot.id), slot.id);
        slot.state = SlotState::Starting;
        if (!loader_->connection->send_with_fds(fork_header(slot.id), fds.data(), fds.size())) {
            logging::warn(log_prefix() + "the model loader is gone; worker " +
                          std::to_string(slot.id) + " waits for a new one");
        }
        // Our copies of the worker's ends close here: its connection's EOF then means it died.
        return;
    }
    StartedPython started = start_python(launch_, Role::Worker, slot.id);
    slot.process = attach(std::move(started.connection), std::move(started.stdout_read),
                          std::move(started.stderr_read), started.pid, tag(slot.id), slot.id);
    slot.state = SlotState::Starting;
}

WorkerPool::Process* WorkerPool::find_process(int slot_id, std::uint64_t serial) {
    Process* process = nullptr;
    if (slot_id == kLoaderSlot) {
        process = loader_.get();
    } else if (slot_id >= 0 && static_cast<std::size_t>(slot_id) < slots_.size()) {
        process = slots_[slot_id].process.get();
    }
    return process != nullptr && process->serial == serial ? process : nullptr;
}

void WorkerPool::on_frame(int slot_id, std::uint64_t serial, Frame&& frame) {
    Process* process = find_process(slot_id, serial);
    if (process == nullptr) return;
    WorkerMessage message;
    try {
        message = parse_worker_message(frame.header);
    } catch (const std::exception& broken) {
        logging::error(tag(slot_id) + " sent " + broken.what() + "; it is replaced");
        process->connection->close();
        on_disconnect(slot_id, serial, "it broke the protocol");
        return;
    }
    if (message.type == "fatal") {
        process->fatal_message = message.message;
        process->fatal_out_of_memory = message.error_type == "MemoryError";
        if (!loaded_) {
            fatal(message.message, process->fatal_out_of_memory);  // logged once, by the owner
        } else {
            logging::error(tag(slot_id) + " failed to start: " + message.message);
        }
        return;
    }
    if (slot_id == kLoaderSlot) {
        on_loader_message(message);
    } else {
        on_worker_message(slots_[slot_id], message, std::move(frame.body));
    }
}

void WorkerPool::on_loader_message(const WorkerMessage& message) {
    if (message.type != "loaded") return;
    if (!mode_decided_) {
        mode_decided_ = true;
        fork_mode_ = message.fork_safe;
        if (fork_mode_) {
            const std::string count = std::to_string(options_.workers);
            logging::info(log_prefix() + "model loaded; " +
                          (options_.lazy_workers
                               ? "up to " + count + " worker(s) forked as requests come share it"
                               : "forking " + count + " worker(s) that share it"));
        } else {
            logging::info(
                log_prefix() + "the model cannot be shared by forking (" +
                (message.reason.empty() ? std::string("the loader says so") : message.reason) +
                "); every worker loads it itself");
        }
    }
    if (!fork_mode_) {
        loader_->connection->send(exit_header(), {});
        if (options_.lazy_workers) {
            // model_fn works. One worker loads its own copy now, so the first request does not
            // wait for a whole load; more start as requests come.
            mark_loaded();
            if (slots_.front().state == SlotState::Empty) start_slot(slots_.front());
            return;
        }
        for (Slot& slot : slots_) {
            if (slot.state == SlotState::Empty) start_slot(slot);
        }
        return;
    }
    loader_ready_ = true;
    if (options_.lazy_workers) {
        mark_loaded();
        dispatch();
        return;
    }
    for (Slot& slot : slots_) {
        if (slot.state == SlotState::Empty && !slot.restart_at) start_slot(slot);
    }
}

void WorkerPool::mark_loaded() {
    if (loaded_) return;
    loaded_ = true;
    if (events_.on_all_ready) events_.on_all_ready();
}

void WorkerPool::start_workers_for_queue() {
    if (!loaded_ || stopping_ || failed_ || (fork_mode_ && !loader_ready_)) return;
    std::size_t starting = 0;
    for (const Slot& slot : slots_) {
        if (slot.state == SlotState::Starting) ++starting;
    }
    for (Slot& slot : slots_) {
        if (queue_.size() <= starting) return;
        if (slot.state == SlotState::Empty && !slot.restart_at) {
            start_slot(slot);
            ++starting;
        }
    }
}

void WorkerPool::on_worker_message(Slot& slot, WorkerMessage& message, std::string&& body) {
    if (message.type == "hello") {
        if (slot.process->pid <= 0 && message.pid > 0) {
            const auto pid = static_cast<pid_t>(message.pid);
            slot.process->pid = pid;
            pid_owner_[pid] = {slot.id, slot.process->serial};
            live_pids_[pid] = slot.id;
        }
        return;
    }
    if (message.type == "ready") {
        if (slot.state != SlotState::Starting) return;
        slot.state = SlotState::Ready;
        slot.failures_in_row = 0;
        idle_.push_back(slot.id);
        logging::info(tag(slot.id) + " is ready (pid " + std::to_string(slot.process->pid) + ")");
        if (!loaded_ && (options_.lazy_workers ||
                         std::all_of(slots_.begin(), slots_.end(), [](const Slot& each) {
                             return each.state == SlotState::Ready || each.state == SlotState::Busy;
                         }))) {
            mark_loaded();
        }
        dispatch();
        return;
    }
    if (message.type == "response") {
        if (slot.state != SlotState::Busy || !slot.in_flight || slot.in_flight->id != message.id) {
            return;
        }
        Invocation finished = std::move(*slot.in_flight);
        slot.in_flight.reset();
        slot.state = SlotState::Ready;
        idle_.push_back(slot.id);
        finished.reply.send(static_cast<unsigned>(message.status),
                            message.content_type.empty() ? std::string_view("application/json")
                                                         : std::string_view(message.content_type),
                            std::move(body), message.extra_fields);
        dispatch();
    }
}

void WorkerPool::on_disconnect(int slot_id, std::uint64_t serial, const std::string& why) {
    Process* process = find_process(slot_id, serial);
    if (process == nullptr || process->disconnected_at) return;
    process->disconnected_at = Clock::now();
    process->disconnect_reason = why;
    if (slot_id != kLoaderSlot) std::erase(idle_, slot_id);
    // With no pid (a fork that never said hello) no exit will come to name the crash.
    if (process->pid <= 0) {
        if (slot_id == kLoaderSlot) {
            loader_gone(why);
        } else {
            slot_gone(slots_[slot_id], why);
        }
    }
    // Otherwise tick() or the reaper finishes it.
}

bool WorkerPool::on_child_exit(pid_t pid, int wait_status) {
    const bool known = live_pids_.erase(pid) > 0;
    const auto owner = pid_owner_.find(pid);
    if (owner != pid_owner_.end()) {
        const auto [slot_id, serial] = owner->second;
        pid_owner_.erase(owner);
        if (find_process(slot_id, serial) != nullptr) {
            const std::string description = describe_wait_status(wait_status);
            const bool killed = killed_by_sigkill(wait_status);
            if (slot_id == kLoaderSlot) {
                loader_gone(description, killed);
            } else {
                slot_gone(slots_[slot_id], description, killed);
            }
        }
    }
    if (stopping_ && live_pids_.empty() && on_stopped_) {
        boost::asio::post(io_, std::exchange(on_stopped_, nullptr));
    }
    return known;
}

void WorkerPool::signal_group(pid_t pid, int signal_number) {
    if (pid > 0) ::kill(-pid, signal_number);
}

void WorkerPool::loader_gone(const std::string& description, bool killed) {
    if (!loader_) return;
    const pid_t pid = loader_->pid;
    const std::string fatal_message = loader_->fatal_message;
    const bool out_of_memory = killed || loader_->fatal_out_of_memory;
    const bool had_loaded = loader_ready_;
    signal_group(pid, SIGKILL);
    loader_.reset();
    loader_ready_ = false;
    if (stopping_ || failed_) return;
    if (!mode_decided_ || (!loaded_ && fork_mode_)) {
        fatal(fatal_message.empty()
                  ? "The model loader ended before the model was loaded: " + description + "."
                  : fatal_message,
              out_of_memory);
        return;
    }
    if (!fork_mode_) return;  // told to exit: every worker loads its own model
    logging::error(log_prefix() + "the model loader (pid " + std::to_string(pid) +
                   ") ended: " + description + "; starting a new one to fork replacement workers");
    // A loader that failed before loading again is retried after a pause, not in a loop.
    loader_restart_at_ = Clock::now() + (had_loaded ? std::chrono::milliseconds(0)
                                                    : std::chrono::milliseconds(2000));
}

void WorkerPool::slot_gone(Slot& slot, const std::string& description, bool killed) {
    if (!slot.process) return;
    const pid_t pid = slot.process->pid;
    const std::string fatal_message = slot.process->fatal_message;
    const bool out_of_memory = killed || slot.process->fatal_out_of_memory;
    signal_group(pid, SIGKILL);
    if (pid > 0) pid_owner_.erase(pid);
    slot.process.reset();
    const bool was_starting = slot.state == SlotState::Starting;
    slot.state = SlotState::Empty;
    std::erase(idle_, slot.id);
    const std::string who = tag(slot.id) + (pid > 0 ? " (pid " + std::to_string(pid) + ")" : "");
    if (slot.in_flight) {
        Invocation lost = std::move(*slot.in_flight);
        slot.in_flight.reset();
        lost.reply.send(
            500, kTextType,
            "The worker handling this request (" + who + ") crashed: " + description + ".\n");
    }
    if (stopping_ || failed_) return;
    if (!loaded_) {
        fatal(fatal_message.empty() ? "The model server's " + who +
                                          " ended while loading the model: " + description + "."
                                    : fatal_message,
              out_of_memory);
        return;
    }
    logging::error(who + " ended: " + description + "; it is replaced");
    if (was_starting) ++slot.failures_in_row;
    schedule_restart(slot);
}

void WorkerPool::schedule_restart(Slot& slot) {
    if (slot.failures_in_row == 0) {
        start_slot(slot);
        return;
    }
    // A worker that keeps dying while it starts is retried with a growing pause.
    const auto exponent = std::min(slot.failures_in_row, 6U);
    slot.restart_at = Clock::now() + std::chrono::milliseconds(100) * (1U << exponent);
}

void WorkerPool::fatal(const std::string& message, bool out_of_memory) {
    if (failed_) return;
    failed_ = true;
    if (events_.on_fatal) {
        boost::asio::post(io_, [this, failure = LoadFailure{message, out_of_memory}] {
            events_.on_fatal(failure);
        });
    }
}

bool WorkerPool::healthy() const {
    if (!loaded_ || stopping_ || draining_) return false;
    return std::any_of(slots_.begin(), slots_.end(), [](const Slot& slot) {
        return slot.state == SlotState::Ready || slot.state == SlotState::Busy;
    });
}

bool WorkerPool::idle() const {
    return queue_.empty() && std::none_of(slots_.begin(), slots_.end(), [](const Slot& slot) {
               return slot.in_flight.has_value();
           });
}

void WorkerPool::submit(http::Request& request, http::Reply reply) {
    submit(queue_invocation(next_request_id_++, request, std::move(reply)));
}

void WorkerPool::submit(QueuedInvocation invocation) {
    if (!loaded_ || stopping_ || failed_) {
        invocation.reply.send_static(503, kTextType, "The model is not loaded yet.\n");
        return;
    }
    if (queue_.size() >= options_.queue_size) {
        invocation.reply.send_static(503, kTextType, kQueueFull);
        return;
    }
    queue_.push_back(std::move(invocation));
    dispatch();
}

std::vector<pid_t> WorkerPool::pids() const {
    std::vector<pid_t> pids;
    pids.reserve(live_pids_.size());
    for (const auto& [pid, slot_id] : live_pids_) pids.push_back(pid);
    return pids;
}

std::vector<WorkerView> WorkerPool::worker_views() const {
    std::vector<WorkerView> views;
    for (const Slot& slot : slots_) {
        if (!slot.process || slot.state == SlotState::Empty) continue;
        const std::string_view status = slot.state == SlotState::Starting ? "Starting"
                                        : slot.state == SlotState::Busy   ? "Busy"
                                                                          : "Ready";
        views.push_back({slot.id, slot.process->pid, status});
    }
    return views;
}

void WorkerPool::dispatch() {
    while (!queue_.empty() && !idle_.empty()) {
        const int slot_id = idle_.back();
        idle_.pop_back();
        Slot& slot = slots_[slot_id];
        if (slot.state != SlotState::Ready || !slot.process) continue;
        Invocation invocation = std::move(queue_.front());
        queue_.pop_front();
        slot.state = SlotState::Busy;
        slot.deadline = Clock::now() + options_.request_timeout;
        slot.process->connection->send(std::move(invocation.header), std::move(invocation.body));
        slot.in_flight = std::move(invocation);
    }
    if (options_.lazy_workers) start_workers_for_queue();
}

void WorkerPool::tick() {
    const auto now = Clock::now();
    if (started_ && !loaded_ && !failed_ && !stopping_ && now > startup_deadline_) {
        fatal("The model was not loaded within SAGEMAKER_STARTUP_TIMEOUT (" +
              std::to_string(options_.startup_timeout.count()) + " s).");
    }
    if (loader_ && loader_->disconnected_at && now - *loader_->disconnected_at > kReapGrace) {
        loader_gone(loader_->disconnect_reason);
    }
    if (loader_restart_at_ && now >= *loader_restart_at_ && !stopping_ && !failed_) {
        loader_restart_at_.reset();
        try {
            start_loader();
        } catch (const errors::Error& error) {
            logging::error(error.what());
            loader_restart_at_ = now + std::chrono::seconds(5);
        }
    }
    for (Slot& slot : slots_) {
        if (slot.process && slot.process->disconnected_at &&
            now - *slot.process->disconnected_at > kReapGrace) {
            slot_gone(slot, slot.process->disconnect_reason);
            continue;
        }
        if (slot.state == SlotState::Busy && slot.in_flight && now > slot.deadline) {
            Invocation late = std::move(*slot.in_flight);
            slot.in_flight.reset();
            late.reply.send(504, kTextType,
                            "The model did not answer within SAGEMAKER_MODEL_SERVER_TIMEOUT (" +
                                std::to_string(options_.request_timeout.count()) + " s).\n");
            logging::error(tag(slot.id) + " did not answer within " +
                           std::to_string(options_.request_timeout.count()) +
                           " s; it is killed and replaced");
            slot_gone(slot, "it was killed after the request timeout");
            continue;
        }
        if (slot.state == SlotState::Empty && slot.restart_at && now >= *slot.restart_at) {
            start_slot(slot);
        }
    }
    if (stopping_ && kill_at_ && now >= *kill_at_) {
        kill_at_.reset();
        kill_all();
    }
}

void WorkerPool::stop(std::chrono::milliseconds grace, std::function<void()> on_stopped) {
    stopping_ = true;
    on_stopped_ = std::move(on_stopped);
    for (auto& [pid, slot_id] : live_pids_) signal_group(pid, SIGTERM);
    for (Slot& slot : slots_) {
        if (slot.process) slot.process->connection->close();
    }
    if (loader_) loader_->connection->close();
    kill_at_ = Clock::now() + grace;
    if (live_pids_.empty() && on_stopped_) {
        boost::asio::post(io_, std::exchange(on_stopped_, nullptr));
    }
}

void WorkerPool::kill_all() {
    for (auto& [pid, slot_id] : live_pids_) signal_group(pid, SIGKILL);
}

}  // namespace optml::serve
