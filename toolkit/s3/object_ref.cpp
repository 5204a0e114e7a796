#include "toolkit/s3/object_ref.hpp"

namespace optml::s3 {

ObjectRef ObjectRef::child(std::string_view relative) const {
    std::string joined = key;
    if (!joined.empty() && !joined.ends_with('/')) joined += '/';
    while (relative.starts_with('/')) relative.remove_prefix(1);
    joined += relative;
    return {bucket, joined};
}

std::optional<ObjectRef> parse_s3_uri(std::string_view uri) {
    constexpr std::string_view scheme = "s3://";
    if (!uri.starts_with(scheme)) return std::nullopt;
    uri.remove_prefix(scheme.size());
    uri = uri.substr(0, uri.find('?'));
    const std::size_t slash = uri.find('/');
    ObjectRef ref;
    ref.bucket = std::string(uri.substr(0, slash));
    if (slash != std::string_view::npos) ref.key = std::string(uri.substr(slash + 1));
    if (ref.bucket.empty()) return std::nullopt;
    return ref;
}

}  // namespace optml::s3
