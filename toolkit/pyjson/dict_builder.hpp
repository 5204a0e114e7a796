#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "toolkit/pyjson/value.hpp"

namespace optml::pyjson::detail {

// Builds a Dict the way json.loads builds a dict (a repeated key keeps its first position and
// takes the last value) in linear time, so a hostile object with many keys stays cheap.
class DictBuilder {
  public:
    void add(std::string key, Value value);
    Dict finish() { return std::move(dict_); }

  private:
    // Below this size a scan beats hashing, and most objects never get an index.
    static constexpr std::size_t kIndexThreshold = 16;

    Dict dict_;
    std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace optml::pyjson::detail
