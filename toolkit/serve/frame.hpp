#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// The framing of SERVE_PROTOCOL.md (v1), both directions:
// u32 LE header_len | u64 LE body_len | header (UTF-8 JSON) | body (raw bytes).
namespace optml::serve {

inline constexpr std::size_t kFramePrefixSize = 12;
// Worker messages are small JSON objects: a bigger header means a broken peer.
inline constexpr std::uint32_t kMaxFrameHeader = 1024 * 1024;

std::array<char, kFramePrefixSize> frame_prefix(std::uint32_t header_length,
                                                std::uint64_t body_length);

struct FramePrefix {
    std::uint32_t header_length;
    std::uint64_t body_length;
};
FramePrefix parse_frame_prefix(const char* bytes);

struct Frame {
    std::string header;
    std::string body;
};

// Cuts frames out of a byte stream. Feed it what the socket gave; whole frames come out.
// Bodies are written straight into the frame's string: one allocation of the body's size.
class FrameReader {
  public:
    // Consumes bytes from `input` until a frame is complete (returned) or `input` is used up.
    // Throws std::runtime_error on a header over kMaxFrameHeader.
    std::optional<Frame> feed(std::string_view& input);

  private:
    std::optional<Frame> take_if_complete();

    enum class Stage { Prefix, Header, Body };
    Stage stage_ = Stage::Prefix;
    char prefix_[kFramePrefixSize] = {};
    std::size_t prefix_filled_ = 0;
    FramePrefix expected_{};
    Frame frame_;
    std::size_t filled_ = 0;
};

// JSON string literal of `text` (quotes included) as Python's json.dumps writes it
// (pyjson/): UTF-8 as it is, with only what JSON requires escaped. Text that is not valid
// UTF-8 (a header value in Latin-1) is read as Latin-1, as WSGI servers do, and written
// ASCII-only (\u00XX).
void append_json_string(std::string& out, std::string_view text);

}  // namespace optml::serve
