#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <vector>

#include "toolkit/s3/sigv4.hpp"

namespace optml::s3::detail {

// A fresh easy handle with the options every request of train wants: no signals (train has
// threads and a supervisor that owns signal handling), bounded connect time, and low-speed
// abort so a stalled connection fails and is retried instead of hanging the job.
struct CurlDeleter {
    void operator()(CURL* handle) const;
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
CurlPtr new_curl_handle();

class HeaderList {
  public:
    HeaderList() = default;
    explicit HeaderList(const std::vector<Header>& headers);
    HeaderList(const HeaderList&) = delete;
    HeaderList& operator=(const HeaderList&) = delete;
    ~HeaderList();
    void append(const std::string& line);
    curl_slist* get() const { return list_; }

  private:
    curl_slist* list_ = nullptr;
};

// Appends to a std::string, refusing more than limit bytes (responses we parse are small).
struct BoundedText {
    std::string text;
    std::size_t limit = 1 << 20;
};
size_t append_bounded(char* data, size_t size, size_t count, void* target);

}  // namespace optml::s3::detail
