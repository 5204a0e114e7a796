#include "toolkit/serve/model_host.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "toolkit/errors/error.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/process/quiet_thread.hpp"
#include "toolkit/serve/eviction_plan.hpp"
#include "toolkit/serve/model_api.hpp"
#include "toolkit/serve/model_memory.hpp"

namespace optml::serve {

namespace {

using namespace std::chrono_literals;

constexpr auto kMeasureInterval = 1s;
constexpr std::string_view kTargetModelHeader = "X-Amzn-SageMaker-Target-Model";
constexpr std::string_view kNotFound = "ModelNotFoundException";
constexpr std::string_view kUnavailable = "ServiceUnavailableException";

std::string in_quotes(const std::string& name) {
    return "\"" + name + "\"";
}

std::string megabytes(std::uint64_t bytes) {
    return std::to_string((bytes + 512 * 1024) / (1024 * 1024)) + " MB";
}

std::string milliseconds_since(std::chrono::steady_clock::time_point start) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - start)
                              .count()) +
           " ms";
}

std::string_view state_name(bool loading, bool loaded) {
    return loading ? "Loading" : loaded ? "Loaded" : "Evicted";
}

}  // namespace

ModelHost::ModelHost(boost::asio::io_context& io, ModelHostOptions options)
    : io_(io), options_(std::move(options)) {
    options_.pool.lazy_workers = true;
}

ModelHost::~ModelHost() {
    if (reading_thread_.joinable()) reading_thread_.join();
}

void ModelHost::start() {
    started_ = true;
    std::string budget = options_.budget_bytes ? megabytes(*options_.budget_bytes) : "no";
    logging::info("multi-model endpoint: models load through POST /models; " + budget +
                  " memory budget; up to " + std::to_string(options_.pool.workers) +
                  " worker(s) per model");
}

ModelHost::Model* ModelHost::find(const std::string& name) {
    const auto found = models_.find(name);
    return found == models_.end() ? nullptr : found->second.get();
}

const ModelHost::Model* ModelHost::find(const std::string& name) const {
    const auto found = models_.find(name);
    return found == models_.end() ? nullptr : found->second.get();
}

void ModelHost::load(const std::string& name, const std::filesystem::path& url, http::Reply reply) {
    if (stopping_ || draining_) {
        send_model_error(reply, 503, kUnavailable, "The model server is stopping.");
        return;
    }
    if (find(name) != nullptr) {
        send_model_error(reply, 409, "ConflictStatusException",
                         "Model " + in_quotes(name) + " is already loaded.");
        return;
    }
    std::error_code error;
    if (!std::filesystem::is_directory(url, error)) {
        send_model_error(reply, 404, kNotFound,
                         "The model folder " + url.string() + " does not exist.");
        return;
    }
    auto model = std::make_unique<Model>();
    model->name = name;
    model->url = url;
    model->load_replies.push_back(std::move(reply));
    Model& added = *models_.emplace(name, std::move(model)).first->second;
    start_pool(added);
}

void ModelHost::start_pool(Model& model) {
    // Within the budget first: what the new model needs is known only once it is loaded.
    enforce_budget(&model);
    LaunchContext launch = options_.launch;
    launch.model_dir = model.url;
    std::error_code error;
    if (std::filesystem::is_directory(model.url / "code", error))
        launch.code_dir = model.url / "code";
    PoolOptions pool_options = options_.pool;
    pool_options.model_label = "model " + in_quotes(model.name);

    model.state = State::Loading;
    model.memory_bytes = 0;
    model.load_started = Clock::now();
    // Events name the pool by a generation unique to this host, so a late event of a pool that
    // was replaced or retired (even one of a deleted model of the same name) is ignored.
    const std::uint64_t generation = ++pool_generation_;
    model.generation = generation;
    const std::string name = model.name;
    WorkerPool::Events events;
    events.on_all_ready = [this, name, generation] {
        // Posted: the host may retire this pool, which is still on the stack here.
        boost::asio::post(io_, [this, name, generation] { on_loaded(name, generation); });
    };
    events.on_fatal = [this, name, generation](const LoadFailure& failure) {
        on_load_failed(name, generation, failure);
    };
    model.pool =
        std::make_unique<WorkerPool>(io_, std::move(launch), pool_options, std::move(events));
    try {
        model.pool->start();
    } catch (const errors::Error& failure) {
        on_load_failed(name, generation, LoadFailure{failure.what(), false});
    }
}

ModelHost::Model* ModelHost::current(const std::string& name, std::uint64_t generation) {
    Model* model = find(name);
    return model != nullptr && model->pool && model->generation == generation ? model : nullptr;
}

void ModelHost::on_loaded(const std::string& name, std::uint64_t generation) {
    Model* model = current(name, generation);
    if (model == nullptr || model->state != State::Loading) return;
    // The new model now (a few processes); the others as last read.
    model->memory_bytes = measure_model(*model);
    model->measured_at = Clock::now();
    if (options_.budget_bytes && !enforce_budget(model)) {
        fail_load(*model, 507, "InsufficientMemoryException",
                  "Model " + in_quotes(name) + " does not fit in the memory budget: it uses " +
                      megabytes(model->memory_bytes) + ", the models together " +
                      megabytes(total_bytes()) + " of " + megabytes(*options_.budget_bytes) +
                      " (OPTML_SERVE_MODEL_MEMORY_MB), with every idle model evicted.");
        return;
    }
    model->state = State::Loaded;
    model->registered = true;
    model->last_used = ++use_clock_;
    logging::info("loaded model " + in_quotes(name) + " in " +
                  milliseconds_since(model->load_started) + " (" + megabytes(model->memory_bytes) +
                  ")");
    for (http::Reply& reply : model->load_replies) {
        send_model_status(reply, "Model " + in_quotes(name) + " loaded");
    }
    model->load_replies.clear();
    while (!model->waiting.empty()) {
        model->pool->submit(std::move(model->waiting.front()));
        model->waiting.pop_front();
    }
}

void ModelHost::on_load_failed(const std::string& name, std::uint64_t generation,
                               const LoadFailure& failure) {
    Model* model = current(name, generation);
    if (model == nullptr) return;
    if (failure.out_of_memory) {
        fail_load(*model, 507, "InsufficientMemoryException",
                  "Model " + in_quotes(name) +
                      " could not be loaded for lack of memory: " + failure.message);
    } else {
        fail_load(*model, 500, "InternalServerException",
                  "Model " + in_quotes(name) + " could not be loaded: " + failure.message);
    }
}

void ModelHost::fail_load(Model& model, unsigned status, const std::string& type,
                          const std::string& message) {
    logging::error(message);
    for (http::Reply& reply : model.load_replies) send_model_error(reply, status, type, message);
    model.load_replies.clear();
    for (QueuedInvocation& invocation : model.waiting) {
        send_model_error(invocation.reply, status, type, message);
    }
    model.waiting.clear();
    retire(model.name, std::move(model.pool), std::nullopt);
    model.memory_bytes = 0;
    if (model.registered) {
        model.state = State::Evicted;  // still registered: the next invocation tries again
        return;
    }
    models_.erase(model.name);
}

void ModelHost::evict(Model& model) {
    logging::info("evicted model " + in_quotes(model.name) + " (least recently used; it used " +
                  megabytes(model.memory_bytes) + ")");
    model.state = State::Evicted;
    model.memory_bytes = 0;
    retire(model.name, std::move(model.pool), std::nullopt);
}

void ModelHost::retire(std::string name, std::unique_ptr<WorkerPool> pool,
                       std::optional<http::Reply> reply) {
    Unloading unloading{std::move(name), std::move(pool), std::move(reply), false};
    if (!unloading.pool) {
        if (unloading.reply)
            send_model_status(*unloading.reply, "Model " + in_quotes(unloading.name) + " unloaded");
        return;
    }
    retired_.push_back(std::move(unloading));
    if (retired_.back().pool->idle() || stopping_) stop_retired(retired_.back());
}

void ModelHost::stop_retired(Unloading& unloading) {
    if (unloading.stopping) return;
    unloading.stopping = true;
    const WorkerPool* identity = unloading.pool.get();
    unloading.pool->stop(options_.stop_grace, [this, identity] {
        const auto found =
            std::find_if(retired_.begin(), retired_.end(),
                         [identity](const Unloading& each) { return each.pool.get() == identity; });
        if (found == retired_.end()) return;
        if (found->reply) {
            logging::info("unloaded model " + in_quotes(found->name));
            send_model_status(*found->reply, "Model " + in_quotes(found->name) + " unloaded");
        }
        retired_.erase(found);
        maybe_stopped();
    });
}

void ModelHost::list(std::size_t first, std::size_t limit, http::Reply reply) const {
    nlohmann::ordered_json body;
    body["models"] = nlohmann::ordered_json::array();
    std::size_t index = 0;
    for (const auto& [name, model] : models_) {
        if (index >= first && index < first + limit) {
            body["models"].push_back({{"modelName", name}, {"modelUrl", model->url.string()}});
        }
        ++index;
    }
    // As the reference: a token whenever the page reached its limit, even at the very end.
    if (first + limit <= models_.size()) body["nextPageToken"] = std::to_string(first + limit);
    reply.send(200, "application/json",
               body.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

void ModelHost::describe(const std::string& name, http::Reply reply) const {
    const Model* model = find(name);
    if (model == nullptr) {
        send_model_error(reply, 404, kNotFound, "Model not found: " + name);
        return;
    }
    nlohmann::ordered_json body;
    body["modelName"] = model->name;
    body["modelUrl"] = model->url.string();
    body["status"] = state_name(model->state == State::Loading, model->state == State::Loaded);
    body["maxWorkers"] = options_.pool.workers;
    body["workers"] = nlohmann::ordered_json::array();
    if (model->pool) {
        for (const WorkerView& worker : model->pool->worker_views()) {
            // A forked worker's pid is known once it says hello: null until then.
            nlohmann::ordered_json pid = nullptr;
            if (worker.pid > 0) pid = worker.pid;
            body["workers"].push_back({{"id", worker.id}, {"pid", pid}, {"status", worker.status}});
        }
    }
    body["memoryBytes"] = model->memory_bytes;
    reply.send(200, "application/json",
               body.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

void ModelHost::unload(const std::string& name, http::Reply reply) {
    Model* model = find(name);
    if (model == nullptr) {
        send_model_error(reply, 404, kNotFound, "Model not found: " + name);
        return;
    }
    const std::string message = "Model " + in_quotes(name) + " was unloaded before it was loaded.";
    for (http::Reply& waiting : model->load_replies) {
        send_model_error(waiting, 404, kNotFound, message);
    }
    for (QueuedInvocation& invocation : model->waiting) {
        send_model_error(invocation.reply, 404, kNotFound, message);
    }
    std::unique_ptr<WorkerPool> pool = std::move(model->pool);
    models_.erase(name);
    // Requests already given to the pool finish first; then its processes stop.
    retire(name, std::move(pool), std::move(reply));
}

void ModelHost::submit(http::Request& request, http::Reply reply) {
    const auto target = request.find(kTargetModelHeader);
    if (target == request.end() || target->value().empty()) {
        send_model_error(reply, 400, "BadRequestException",
                         "A multi-model endpoint needs the model's name in the "
                         "X-Amzn-SageMaker-Target-Model header.");
        return;
    }
    invoke(std::string(target->value()), request, std::move(reply));
}

void ModelHost::invoke(const std::string& name, http::Request& request, http::Reply reply) {
    Model* model = find(name);
    if (model == nullptr) {
        send_model_error(reply, 404, kNotFound, "Model not found: " + name);
        return;
    }
    if (stopping_) {
        send_model_error(reply, 503, kUnavailable, "The model server is stopping.");
        return;
    }
    model->last_used = ++use_clock_;
    QueuedInvocation invocation =
        queue_invocation(next_invocation_id_++, request, std::move(reply));
    if (model->state == State::Loaded) {
        model->pool->submit(std::move(invocation));
        return;
    }
    if (model->waiting.size() >= options_.pool.queue_size) {
        send_model_error(invocation.reply, 503, kUnavailable,
                         "Model " + in_quotes(name) + " is loading and its queue is full.");
        return;
    }
    model->waiting.push_back(std::move(invocation));
    if (model->state == State::Evicted) {
        logging::info("model " + in_quotes(name) + " was evicted; loading it again");
        start_pool(*model);
    }
}

std::uint64_t ModelHost::measure_model(const Model& model) const {
    if (!model.pool) return 0;
    std::uint64_t bytes = 0;
    for (pid_t pid : model.pool->pids()) bytes += process_pss_bytes(pid).value_or(0);
    return bytes;
}

void ModelHost::start_reading() {
    if (reading_thread_.joinable()) return;  // the last reading is not applied yet
    std::vector<MemoryReading> readings;
    for (const auto& [name, model] : models_) {
        if (model->pool) readings.push_back({name, model->generation, model->pool->pids(), 0});
    }
    const Clock::time_point started = Clock::now();
    next_reading_ = started + kMeasureInterval;
    // Reading a Python process's smaps_rollup costs the kernel most of a millisecond; tens of
    // them on the loop's thread would hold every request back, so a thread of its own reads.
    reading_thread_ =
        process::start_quiet_thread([this, started, readings = std::move(readings)]() mutable {
            for (MemoryReading& reading : readings) {
                for (pid_t pid : reading.pids) reading.bytes += process_pss_bytes(pid).value_or(0);
            }
            boost::asio::post(io_, [this, started, readings = std::move(readings)] {
                apply_readings(readings, started);
            });
        });
}

void ModelHost::apply_readings(const std::vector<MemoryReading>& readings,
                               Clock::time_point started) {
    reading_thread_.join();  // it posted this as its last step
    for (const MemoryReading& reading : readings) {
        // A pool replaced or retired since the reading began is not the model's any more, and
        // a model measured after it began (at the end of its load) keeps the newer figure.
        Model* model = current(reading.name, reading.generation);
        if (model != nullptr && model->measured_at <= started) {
            model->memory_bytes = reading.bytes;
            model->measured_at = started;
        }
    }
    if (stopping_ || !options_.budget_bytes) return;
    if (enforce_budget(nullptr)) {
        over_budget_logged_ = false;
    } else if (!over_budget_logged_) {
        over_budget_logged_ = true;
        logging::warn("the models use " + megabytes(total_bytes()) + ", over the " +
                      megabytes(*options_.budget_bytes) +
                      " budget (OPTML_SERVE_MODEL_MEMORY_MB), and none of the busy ones can be "
                      "evicted yet");
    }
}

std::uint64_t ModelHost::total_bytes() const {
    std::uint64_t total = 0;
    for (const auto& [name, model] : models_) total += model->memory_bytes;
    return total;
}

bool ModelHost::enforce_budget(const Model* keep) {
    if (!options_.budget_bytes) return true;
    std::vector<ModelUsage> usages;
    for (const auto& [name, model] : models_) {
        const bool evictable = model.get() != keep && model->state == State::Loaded &&
                               model->waiting.empty() && model->pool && model->pool->idle();
        usages.push_back({name, model->memory_bytes, model->last_used, evictable});
    }
    const EvictionPlan plan = plan_eviction(std::move(usages), *options_.budget_bytes);
    for (const std::string& name : plan.evict) {
        if (Model* model = find(name)) evict(*model);
    }
    return plan.fits;
}

void ModelHost::tick() {
    for (auto& [name, model] : models_) {
        if (model->pool) model->pool->tick();
    }
    for (Unloading& unloading : retired_) {
        unloading.pool->tick();
        if (!unloading.stopping && unloading.pool->idle()) stop_retired(unloading);
    }
    if (started_ && !stopping_ && Clock::now() >= next_reading_) start_reading();
}

bool ModelHost::on_child_exit(pid_t pid, int wait_status) {
    // Snapshot the pools first: an exit can retire or replace a model's pool.
    std::vector<WorkerPool*> pools;
    for (auto& [name, model] : models_) {
        if (model->pool) pools.push_back(model->pool.get());
    }
    for (Unloading& unloading : retired_) pools.push_back(unloading.pool.get());
    for (WorkerPool* pool : pools) {
        if (pool->on_child_exit(pid, wait_status)) return true;
    }
    return false;
}

void ModelHost::stop(std::chrono::milliseconds grace, std::function<void()> on_stopped) {
    stopping_ = true;
    on_stopped_ = std::move(on_stopped);
    options_.stop_grace = grace;
    std::vector<std::string> names;
    for (auto& [name, model] : models_) names.push_back(name);
    for (const std::string& name : names) {
        Model& model = *models_.at(name);
        for (http::Reply& reply : model.load_replies) {
            send_model_error(reply, 503, kUnavailable, "The model server is stopping.");
        }
        model.load_replies.clear();
        for (QueuedInvocation& invocation : model.waiting) {
            send_model_error(invocation.reply, 503, kUnavailable, "The model server is stopping.");
        }
        model.waiting.clear();
        retire(name, std::move(model.pool), std::nullopt);
    }
    models_.clear();
    for (Unloading& unloading : retired_) stop_retired(unloading);
    maybe_stopped();
}

void ModelHost::maybe_stopped() {
    if (stopping_ && retired_.empty() && on_stopped_) {
        boost::asio::post(io_, std::exchange(on_stopped_, nullptr));
    }
}

void ModelHost::kill_all() {
    for (auto& [name, model] : models_) {
        if (model->pool) model->pool->kill_all();
    }
    for (Unloading& unloading : retired_) unloading.pool->kill_all();
}

bool ModelHost::has_children() const {
    for (const auto& [name, model] : models_) {
        if (model->pool && model->pool->has_children()) return true;
    }
    return std::any_of(retired_.begin(), retired_.end(),
                       [](const Unloading& each) { return each.pool->has_children(); });
}

}  // namespace optml::serve
