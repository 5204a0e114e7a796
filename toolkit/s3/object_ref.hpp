#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "toolkit/system/uri_redaction.hpp"

namespace optml::s3 {

// One S3 object (or, with an empty or '/'-ended key, a prefix).
struct ObjectRef {
    std::string bucket;
    std::string key;

    // For logs and errors: a bucket written with userinfo ("s3://user:secret@bucket") shows
    // as "***@bucket".
    std::string uri() const { return system::redact_uri("s3://" + bucket + "/" + key); }
    // key + "/" + relative, without doubling the slash: prefixes are written either way.
    ObjectRef child(std::string_view relative) const;
};

// "s3://bucket/key" → {bucket, key}; nullopt when it is not an s3:// URI with a bucket.
// Anything after '?' is dropped: it is not part of an S3 URI.
std::optional<ObjectRef> parse_s3_uri(std::string_view uri);

}  // namespace optml::s3
