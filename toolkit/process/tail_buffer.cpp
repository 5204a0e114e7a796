#include "toolkit/process/tail_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace optml::process {

void TailBuffer::append(const char* data, std::size_t length) {
    const std::size_t capacity = ring_.size();
    if (capacity == 0 || length == 0) {
        return;
    }
    if (length >= capacity) {
        std::memcpy(ring_.data(), data + (length - capacity), capacity);
        oldest_ = 0;
        size_ = capacity;
        return;
    }
    const std::size_t end = (oldest_ + size_) % capacity;
    const std::size_t first = std::min(length, capacity - end);
    std::memcpy(ring_.data() + end, data, first);
    std::memcpy(ring_.data(), data + first, length - first);
    const std::size_t total = size_ + length;
    if (total > capacity) {
        oldest_ = (oldest_ + (total - capacity)) % capacity;
        size_ = capacity;
    } else {
        size_ = total;
    }
}

std::string TailBuffer::str() const {
    std::string text;
    if (size_ == 0) {
        return text;
    }
    text.reserve(size_);
    const std::size_t first = std::min(size_, ring_.size() - oldest_);
    text.append(ring_.data() + oldest_, first);
    text.append(ring_.data(), size_ - first);
    return text;
}

}  // namespace optml::process
