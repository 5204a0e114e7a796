#pragma once

#include <cstddef>
#include <string>
#include <vector>

// Internal to toolkit/process: the last N bytes of a stream, in memory fixed at construction.
namespace optml::process {

class TailBuffer {
  public:
    explicit TailBuffer(std::size_t capacity) : ring_(capacity) {}

    void append(const char* data, std::size_t length);
    // The kept bytes, oldest first.
    std::string str() const;
    std::size_t size() const { return size_; }

  private:
    std::vector<char> ring_;
    std::size_t oldest_ = 0;  // index in ring_ of the first kept byte
    std::size_t size_ = 0;
};

}  // namespace optml::process
