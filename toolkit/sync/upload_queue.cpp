#include "toolkit/sync/upload_queue.hpp"

namespace optml::sync::detail {

void UploadQueue::push(const std::string& path) {
    const std::lock_guard lock(mutex_);
    if (in_flight_.contains(path)) {
        again_.insert(path);
        return;
    }
    if (queued_.insert(path).second) {
        order_.push_back(path);
        changed_.notify_all();
    }
}

std::optional<std::string> UploadQueue::pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !order_.empty() || (closed_ && in_flight_.empty()); });
    if (order_.empty()) return std::nullopt;
    std::string path = std::move(order_.front());
    order_.pop_front();
    queued_.erase(path);
    in_flight_.insert(path);
    return path;
}

void UploadQueue::done(const std::string& path) {
    const std::lock_guard lock(mutex_);
    in_flight_.erase(path);
    if (again_.erase(path) > 0 && queued_.insert(path).second) order_.push_back(path);
    changed_.notify_all();
}

void UploadQueue::close() {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
}

bool UploadQueue::wait_drained(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline,
                               [&] { return closed_ && order_.empty() && in_flight_.empty(); });
}

std::size_t UploadQueue::outstanding() const {
    const std::lock_guard lock(mutex_);
    return order_.size() + in_flight_.size();
}

std::size_t UploadQueue::abandon() {
    const std::lock_guard lock(mutex_);
    // Paths named again while in flight are counted by their running upload, not here.
    const std::size_t dropped = queued_.size();
    order_.clear();
    queued_.clear();
    again_.clear();
    closed_ = true;
    changed_.notify_all();
    return dropped;
}

}  // namespace optml::sync::detail
