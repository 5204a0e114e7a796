#pragma once

#include <string>
#include <string_view>

namespace optml::system {

// A URI as train may show it in a log line or an error: credentials in its userinfo
// ("user:password@") and everything in its query string and fragment (presigned S3 URIs
// carry X-Amz-Security-Token and X-Amz-Signature there) become "***". Scheme, host, port and
// path stay, so the reader still sees which resource is meant. Text without "scheme://" is
// not a URI (a local path may contain '?') and comes back unchanged.
std::string redact_uri(std::string_view uri);

}  // namespace optml::system
