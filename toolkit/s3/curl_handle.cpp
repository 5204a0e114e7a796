#include "toolkit/s3/curl_handle.hpp"

#include <new>

#include "toolkit/s3/shared_library.hpp"

namespace optml::s3::detail {

CurlPtr new_curl_handle() {
    CurlPtr handle(curl_api().easy_init());
    if (!handle) throw std::bad_alloc();
    curl_api().easy_setopt(handle.get(), CURLOPT_NOSIGNAL, 1L);
    curl_api().easy_setopt(handle.get(), CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_api().easy_setopt(handle.get(), CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_api().easy_setopt(handle.get(), CURLOPT_LOW_SPEED_TIME, 60L);
    curl_api().easy_setopt(handle.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    return handle;
}

HeaderList::HeaderList(const std::vector<Header>& headers) {
    for (const Header& header : headers) append(header.name + ": " + header.value);
}

void CurlDeleter::operator()(CURL* handle) const {
    curl_api().easy_cleanup(handle);
}

HeaderList::~HeaderList() {
    if (list_ != nullptr) curl_api().slist_free_all(list_);
}

void HeaderList::append(const std::string& line) {
    curl_slist* extended = curl_api().slist_append(list_, line.c_str());
    if (extended == nullptr) throw std::bad_alloc();
    list_ = extended;
}

size_t append_bounded(char* data, size_t size, size_t count, void* target) {
    auto* bounded = static_cast<BoundedText*>(target);
    const size_t bytes = size * count;
    if (bounded->text.size() + bytes > bounded->limit) return 0;  // aborts the transfer
    bounded->text.append(data, bytes);
    return bytes;
}

}  // namespace optml::s3::detail
