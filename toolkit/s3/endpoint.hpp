#pragma once

#include <string>

#include "toolkit/s3/client_options.hpp"
#include "toolkit/s3/object_ref.hpp"

namespace optml::s3::detail {

// Where one object's requests go: the URL without query, and what SigV4 signs of it.
struct ObjectAddress {
    std::string url;            // scheme://host[:port]/path (path URI-encoded)
    std::string host;           // the Host header: host, plus ":port" when not the default
    std::string canonical_uri;  // the encoded path
};

ObjectAddress address_of(const ClientOptions& options, const ObjectRef& object);

// Bucket names that can be a DNS label over TLS: lower case, digits, '-', no dots.
bool bucket_fits_host_name(const std::string& bucket);

}  // namespace optml::s3::detail
