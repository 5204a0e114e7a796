#include "toolkit/serve/frame.hpp"

#include <cstring>
#include <stdexcept>

#include "toolkit/pyjson/python_text.hpp"

namespace optml::serve {

std::array<char, kFramePrefixSize> frame_prefix(std::uint32_t header_length,
                                                std::uint64_t body_length) {
    std::array<char, kFramePrefixSize> prefix{};
    for (int i = 0; i < 4; ++i) prefix[i] = static_cast<char>((header_length >> (8 * i)) & 0xff);
    for (int i = 0; i < 8; ++i) prefix[4 + i] = static_cast<char>((body_length >> (8 * i)) & 0xff);
    return prefix;
}

FramePrefix parse_frame_prefix(const char* bytes) {
    FramePrefix prefix{0, 0};
    for (int i = 0; i < 4; ++i) {
        prefix.header_length |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]))
                                << (8 * i);
    }
    for (int i = 0; i < 8; ++i) {
        prefix.body_length |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[4 + i]))
                              << (8 * i);
    }
    return prefix;
}

std::optional<Frame> FrameReader::feed(std::string_view& input) {
    while (!input.empty()) {
        if (stage_ == Stage::Prefix) {
            const std::size_t n = std::min(input.size(), kFramePrefixSize - prefix_filled_);
            std::memcpy(prefix_ + prefix_filled_, input.data(), n);
            prefix_filled_ += n;
            input.remove_prefix(n);
            if (prefix_filled_ < kFramePrefixSize) continue;
            expected_ = parse_frame_prefix(prefix_);
            prefix_filled_ = 0;
            if (expected_.header_length > kMaxFrameHeader) {
                throw std::runtime_error("a frame header of " +
                                         std::to_string(expected_.header_length) + " bytes");
            }
            frame_.header.clear();
            frame_.header.reserve(expected_.header_length);
            frame_.body.clear();
            stage_ = Stage::Header;
        }
        if (stage_ == Stage::Header) {
            const std::size_t n =
                std::min<std::size_t>(input.size(), expected_.header_length - frame_.header.size());
            frame_.header.append(input.data(), n);
            input.remove_prefix(n);
            if (frame_.header.size() < expected_.header_length) continue;
            frame_.body.resize(expected_.body_length);
            filled_ = 0;
            stage_ = Stage::Body;
        }
        if (stage_ == Stage::Body) {
            const std::size_t n = std::min<std::size_t>(input.size(), frame_.body.size() - filled_);
            std::memcpy(frame_.body.data() + filled_, input.data(), n);
            filled_ += n;
            input.remove_prefix(n);
            if (auto complete = take_if_complete()) return complete;
        }
    }
    if (stage_ == Stage::Header && expected_.header_length == 0) {
        frame_.body.resize(expected_.body_length);
        filled_ = 0;
        stage_ = Stage::Body;
    }
    return take_if_complete();
}

std::optional<Frame> FrameReader::take_if_complete() {
    if (stage_ != Stage::Body || filled_ < frame_.body.size()) return std::nullopt;
    stage_ = Stage::Prefix;
    filled_ = 0;
    return std::move(frame_);
}

void append_json_string(std::string& out, std::string_view text) {
    if (pyjson::is_utf8(text)) {
        pyjson::append_json_string(out, text, /*ensure_ascii=*/false);
    } else {
        // Latin-1 bytes become \u00XX escapes: ASCII only, as the message was before.
        pyjson::append_json_string(out, pyjson::latin1_to_utf8(text), /*ensure_ascii=*/true);
    }
}

}  // namespace optml::serve
