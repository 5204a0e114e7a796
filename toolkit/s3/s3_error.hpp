#pragma once

#include <stdexcept>
#include <string>

namespace optml::s3 {

// A failed S3 or credentials request. The message is a sentence that names the bucket and
// key (never a secret); callers that need an errors::Error wrap it with their kind.
class S3Error : public std::runtime_error {
  public:
    S3Error(const std::string& message, long http_status = 0)
        : std::runtime_error(message), http_status_(http_status) {}
    long http_status() const { return http_status_; }  // 0: no HTTP answer

  private:
    long http_status_;
};

}  // namespace optml::s3
