#pragma once

#include <optional>
#include <string>
#include <string_view>

// metadata.json beside every payload.pkl, as the SDK's serialization module writes and reads
// it (_MetaData): sha256_hash (since 2.156), version "2023-04-24", python_version,
// serialization_module "cloudpickle", asymmetric_signature (signed generation only).
namespace optml::remote {

struct PayloadMetadata {
    std::optional<std::string> sha256_hash;  // absent, null or empty: none (the SDK's `not`)
    std::optional<std::string> asymmetric_signature;
};

// The outcome of reading one metadata.json: the fields, or the SDK's DeserializationError
// message for a file it would refuse.
struct MetadataReading {
    std::optional<PayloadMetadata> metadata;
    std::string error;  // set when metadata is nullopt
};

// `require_hash`: the hashed generations refuse a file without sha256_hash (before the
// version check, as _MetaData.from_json does); the unhashed one does not look at it.
MetadataReading read_metadata(std::string_view text, bool require_hash);

// The bytes the SDK's _MetaData(...).to_json() writes: json.dumps of the fields in order;
// no sha256_hash for the unhashed generation, asymmetric_signature only when given.
std::string metadata_json(const std::optional<std::string>& sha256_hash,
                          std::string_view python_version,
                          const std::optional<std::string>& asymmetric_signature = std::nullopt);

// Python's repr() of a bytes object: b'...' with its escapes (the SDK quotes the metadata
// file's bytes in one of its messages).
std::string python_bytes_repr(std::string_view bytes);

}  // namespace optml::remote
