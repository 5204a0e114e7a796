#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace optml::pyjson {

// A JSON value as Python's json module sees it. The reference toolkit decodes
// hyperparameters with json.loads and re-encodes them with json.dumps / str(), so we keep
// what Python keeps: integers of any size, floats (NaN and infinities included), and
// objects in first-insertion order (repr() of a nested dict shows that order).
class Value;

using List = std::vector<Value>;

namespace detail {
class DictBuilder;
}

// Keys are unique; a repeated key keeps its first position and takes the last value,
// exactly as a Python dict built by json.loads does.
class Dict {
  public:
    const Value* find(std::string_view key) const;
    void set(std::string key, Value value);
    // Defined after Value: their bodies need the complete type (clang checks at once).
    bool empty() const;
    std::size_t size() const;
    auto begin() const { return items_.begin(); }
    auto end() const { return items_.end(); }

  private:
    // loads() fills large objects without set()'s linear search (see dict_builder.hpp).
    friend class detail::DictBuilder;

    std::vector<std::pair<std::string, Value>> items_;
};

// An integer too large for int64, kept as its decimal text (optional '-', then digits).
struct BigInt {
    std::string digits;
    bool operator==(const BigInt&) const = default;
};

struct None {
    bool operator==(const None&) const = default;
};

class Value {
  public:
    using Storage = std::variant<None, bool, std::int64_t, BigInt, double, std::string, List, Dict>;

    Value() = default;
    Value(None) {}
    Value(bool b) : storage_(b) {}
    Value(std::int64_t i) : storage_(i) {}
    Value(int i) : storage_(static_cast<std::int64_t>(i)) {}
    Value(BigInt i) : storage_(std::move(i)) {}
    Value(double d) : storage_(d) {}
    Value(std::string s) : storage_(std::move(s)) {}
    Value(const char* s) : storage_(std::string(s)) {}
    Value(List l) : storage_(std::move(l)) {}
    Value(Dict d) : storage_(std::move(d)) {}

    bool is_none() const { return std::holds_alternative<None>(storage_); }
    bool is_bool() const { return std::holds_alternative<bool>(storage_); }
    // Python ints: int64 or BigInt (bool is not counted here).
    bool is_int() const {
        return std::holds_alternative<std::int64_t>(storage_) ||
               std::holds_alternative<BigInt>(storage_);
    }
    bool is_float() const { return std::holds_alternative<double>(storage_); }
    bool is_str() const { return std::holds_alternative<std::string>(storage_); }
    bool is_list() const { return std::holds_alternative<List>(storage_); }
    bool is_dict() const { return std::holds_alternative<Dict>(storage_); }

    bool as_bool() const { return std::get<bool>(storage_); }
    std::int64_t as_int64() const { return std::get<std::int64_t>(storage_); }
    bool fits_int64() const { return std::holds_alternative<std::int64_t>(storage_); }
    double as_float() const { return std::get<double>(storage_); }
    const std::string& as_str() const { return std::get<std::string>(storage_); }
    const List& as_list() const { return std::get<List>(storage_); }
    const Dict& as_dict() const { return std::get<Dict>(storage_); }

    // Python's type name, for error messages: "str", "int", "dict", ...
    std::string_view type_name() const;

    const Storage& storage() const { return storage_; }

  private:
    Storage storage_;
};

inline bool Dict::empty() const {
    return items_.empty();
}
inline std::size_t Dict::size() const {
    return items_.size();
}

}  // namespace optml::pyjson
