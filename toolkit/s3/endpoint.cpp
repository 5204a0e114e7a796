#include "toolkit/s3/endpoint.hpp"

#include <cctype>

#include "toolkit/s3/s3_error.hpp"
#include "toolkit/s3/sigv4.hpp"

namespace optml::s3::detail {

namespace {

struct ParsedEndpoint {
    std::string scheme;
    std::string authority;  // host[:port] as written
    std::string base_path;  // "" or "/prefix"
};

ParsedEndpoint parse_endpoint(const std::string& endpoint) {
    const std::size_t separator = endpoint.find("://");
    if (separator == std::string::npos) {
        // Not echoed: without a scheme the value cannot be redacted as a URI, and it may
        // be credentials pasted into the wrong variable.
        throw S3Error(
            "S3_ENDPOINT_URL must look like http://host:port or https://host; its value has no "
            "scheme://.");
    }
    ParsedEndpoint parsed;
    parsed.scheme = endpoint.substr(0, separator);
    const std::string rest = endpoint.substr(separator + 3);
    const std::size_t slash = rest.find('/');
    parsed.authority = rest.substr(0, slash);
    if (slash != std::string::npos) parsed.base_path = rest.substr(slash);
    while (parsed.base_path.ends_with('/')) parsed.base_path.pop_back();
    return parsed;
}

// The Host header omits the port when it is the scheme's default, as HTTP clients do.
std::string host_header(const ParsedEndpoint& endpoint) {
    const std::string& authority = endpoint.authority;
    if ((endpoint.scheme == "http" && authority.ends_with(":80")) ||
        (endpoint.scheme == "https" && authority.ends_with(":443"))) {
        return authority.substr(0, authority.rfind(':'));
    }
    return authority;
}

std::string aws_endpoint(const std::string& region) {
    const std::string suffix = region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    return "https://s3." + region + "." + suffix;
}

}  // namespace

bool bucket_fits_host_name(const std::string& bucket) {
    if (bucket.size() < 3 || bucket.size() > 63) return false;
    for (const char c : bucket) {
        if (!(std::islower(static_cast<unsigned char>(c)) ||
              std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
            return false;
        }
    }
    return bucket.front() != '-' && bucket.back() != '-';
}

ObjectAddress address_of(const ClientOptions& options, const ObjectRef& object) {
    const bool custom = !options.endpoint.empty();
    ParsedEndpoint endpoint =
        parse_endpoint(custom ? options.endpoint : aws_endpoint(options.region));
    const bool path_style =
        options.path_style.value_or(custom || !bucket_fits_host_name(object.bucket));

    std::string path = endpoint.base_path;
    if (path_style)
        path += "/" + uri_encode(object.bucket, true);
    else
        endpoint.authority = object.bucket + "." + endpoint.authority;
    // A bucket-level request (empty key) names the bucket alone: "/bucket", or "/" when the
    // bucket is in the host name.
    if (!object.key.empty() || !path_style) path += "/" + uri_encode(object.key, false);

    ObjectAddress address;
    address.host = host_header(endpoint);
    address.canonical_uri = path;
    address.url = endpoint.scheme + "://" + endpoint.authority + path;
    return address;
}

}  // namespace optml::s3::detail
