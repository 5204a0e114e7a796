#pragma once

#include <filesystem>

#include "toolkit/pyjson/value.hpp"

namespace optml::config {

// Reads one of the three job config files (json.load semantics) and requires a JSON
// object at the top. Throws errors::Error(Configuration) with one sentence naming the file:
// missing, unreadable, not a regular file (a FIFO or device is never opened for a blocking
// read), larger than 64 MiB, not UTF-8, not JSON (with line and column), or not an object.
pyjson::Dict read_config_object(const std::filesystem::path& file);

// hyperparameters.json stores every value as a JSON-encoded string: a value that json.loads
// accepts is decoded, anything else (and any non-string value) is kept as it is.
pyjson::Dict decode_hyperparameters(const pyjson::Dict& stored);

}  // namespace optml::config
