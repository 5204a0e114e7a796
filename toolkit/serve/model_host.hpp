#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "toolkit/serve/backend.hpp"
#include "toolkit/serve/worker_pool.hpp"

namespace optml::serve {

struct ModelHostOptions {
    // The container's side of every model's launch; each model gets its own model and code
    // dir. `launch.code_dir` is the default code dir, for models without a code/ folder.
    LaunchContext launch;
    PoolOptions pool;                           // per model (workers started lazily)
    std::optional<std::uint64_t> budget_bytes;  // nullopt: no budget
    std::chrono::milliseconds stop_grace{3000};
};

// The models of a multi-model endpoint: each registered model has its own WorkerPool (a
// loader and lazily started workers), loaded through the management API and evicted least
// recently used when the models together use more memory than the budget. An evicted model
// stays registered and is loaded again by its next invocation. Runs on the io_context's one
// thread, as the pools do; answers the management API's replies itself (model_api.hpp's JSON).
class ModelHost : public Backend {
  public:
    ModelHost(boost::asio::io_context& io, ModelHostOptions options);
    ~ModelHost() override;
    ModelHost(const ModelHost&) = delete;
    ModelHost& operator=(const ModelHost&) = delete;

    // Backend: /invocations routes by the X-Amzn-SageMaker-Target-Model header.
    void start() override;
    bool loaded() const override { return started_; }
    bool healthy() const override { return started_ && !stopping_ && !draining_; }
    void begin_drain() override { draining_ = true; }
    void submit(http::Request& request, http::Reply reply) override;
    bool on_child_exit(pid_t pid, int wait_status) override;
    void tick() override;
    void stop(std::chrono::milliseconds grace, std::function<void()> on_stopped) override;
    void kill_all() override;
    bool has_children() const override;

    // The management API; each answers `reply` (when the work is done).
    void load(const std::string& name, const std::filesystem::path& url, http::Reply reply);
    void list(std::size_t first, std::size_t limit, http::Reply reply) const;
    void describe(const std::string& name, http::Reply reply) const;
    void unload(const std::string& name, http::Reply reply);
    void invoke(const std::string& name, http::Request& request, http::Reply reply);

  private:
    using Clock = std::chrono::steady_clock;
    enum class State { Loading, Loaded, Evicted };
    struct Model {
        std::string name;
        std::filesystem::path url;
        State state = State::Loading;
        bool registered = false;  // loaded once: a failed reload keeps it (as Evicted)
        std::unique_ptr<WorkerPool> pool;
        std::uint64_t generation = 0;  // of `pool`
        std::uint64_t last_used = 0;
        std::uint64_t memory_bytes = 0;
        Clock::time_point measured_at{};  // when memory_bytes was read
        Clock::time_point load_started{};
        std::vector<http::Reply> load_replies;  // POST /models waiting for the load
        std::deque<QueuedInvocation> waiting;   // invocations waiting for a (re)load
    };
    struct Unloading {
        std::string name;
        std::unique_ptr<WorkerPool> pool;
        std::optional<http::Reply> reply;  // DELETE, answered once the processes are gone
        bool stopping = false;
    };

    void start_pool(Model& model);
    // The model whose current pool is of this generation, if it still exists.
    Model* current(const std::string& name, std::uint64_t generation);
    void on_loaded(const std::string& name, std::uint64_t generation);
    void on_load_failed(const std::string& name, std::uint64_t generation,
                        const LoadFailure& failure);
    void fail_load(Model& model, unsigned status, const std::string& type,
                   const std::string& message);
    void evict(Model& model);
    // Stops the pool when it is idle; `reply` is answered once its processes are gone.
    void retire(std::string name, std::unique_ptr<WorkerPool> pool,
                std::optional<http::Reply> reply);
    void stop_retired(Unloading& unloading);
    struct MemoryReading {
        std::string name;
        std::uint64_t generation = 0;
        std::vector<pid_t> pids;
        std::uint64_t bytes = 0;
    };
    // Every model's PSS, read on a thread of its own, then applied (and the budget enforced)
    // on the loop's thread.
    void start_reading();
    void apply_readings(const std::vector<MemoryReading>& readings, Clock::time_point started);
    std::uint64_t measure_model(const Model& model) const;
    // Evicts least recently used models until the total is within the budget; false when it
    // cannot be (`keep` is never evicted).
    bool enforce_budget(const Model* keep);
    std::uint64_t total_bytes() const;
    Model* find(const std::string& name);
    const Model* find(const std::string& name) const;
    void maybe_stopped();

    boost::asio::io_context& io_;
    ModelHostOptions options_;
    std::map<std::string, std::unique_ptr<Model>> models_;  // sorted: GET /models pages by name
    std::vector<Unloading> retired_;
    std::uint64_t use_clock_ = 0;
    std::uint64_t pool_generation_ = 0;
    std::uint64_t next_invocation_id_ = 1;
    Clock::time_point next_reading_{};
    std::thread reading_thread_;
    bool started_ = false;
    bool stopping_ = false;
    bool draining_ = false;
    bool over_budget_logged_ = false;
    std::function<void()> on_stopped_;
};

}  // namespace optml::serve
