#include <catch2/catch.hpp>

#include <string>

#include "toolkit/serve/frame.hpp"

using namespace optml::serve;

namespace {

std::string frame_bytes(const std::string& header, const std::string& body) {
    const auto prefix = frame_prefix(static_cast<std::uint32_t>(header.size()), body.size());
    return std::string(prefix.data(), prefix.size()) + header + body;
}

}  // namespace

TEST_CASE("the prefix is u32 and u64 little-endian") {
    const auto prefix = frame_prefix(0x01020304, 0x0a0b0c0d0e0f1011ULL);
    const std::string bytes(prefix.data(), prefix.size());
    CHECK(bytes == std::string("\x04\x03\x02\x01\x11\x10\x0f\x0e\x0d\x0c\x0b\x0a", 12));
    const FramePrefix parsed = parse_frame_prefix(prefix.data());
    CHECK(parsed.header_length == 0x01020304);
    CHECK(parsed.body_length == 0x0a0b0c0d0e0f1011ULL);
}

TEST_CASE("frames come out whole however the bytes are cut") {
    const std::string stream =
        frame_bytes(R"({"type":"ready"})", "") +
        frame_bytes(R"({"type":"response","id":1})", std::string("a\0b", 3)) +
        frame_bytes("", "xyz");
    for (std::size_t piece : {std::size_t{1}, std::size_t{5}, std::size_t{13}, stream.size()}) {
        FrameReader reader;
        std::vector<Frame> frames;
        for (std::size_t at = 0; at < stream.size(); at += piece) {
            std::string_view input(stream.data() + at, std::min(piece, stream.size() - at));
            while (auto frame = reader.feed(input)) frames.push_back(std::move(*frame));
        }
        REQUIRE(frames.size() == 3);
        CHECK(frames[0].header == R"({"type":"ready"})");
        CHECK(frames[0].body.empty());
        CHECK(frames[1].body == std::string("a\0b", 3));
        CHECK(frames[2].header.empty());
        CHECK(frames[2].body == "xyz");
    }
}

TEST_CASE("a frame header over the limit is a broken peer") {
    const auto prefix = frame_prefix(kMaxFrameHeader + 1, 0);
    std::string_view input(prefix.data(), prefix.size());
    FrameReader reader;
    CHECK_THROWS_AS(reader.feed(input), std::runtime_error);
}

TEST_CASE("JSON strings are escaped, and non-UTF-8 text is read as Latin-1") {
    std::string out;
    append_json_string(out, "a\"b\\c\n\x01 é");
    CHECK(out == "\"a\\\"b\\\\c\\n\\u0001 é\"");
    out.clear();
    append_json_string(out, "caf\xe9");
    CHECK(out == "\"caf\\u00e9\"");
}

TEST_CASE("header values keep their exact bytes on the wire") {
    // What HTTP lets through in a field value: tab, printable ASCII and obs-text bytes.
    std::string out;
    append_json_string(out, "text/csv;\tq=\"0.5\" \xc3\xa9\xf0\x9f\x98\x80");
    CHECK(out == "\"text/csv;\\tq=\\\"0.5\\\" \xc3\xa9\xf0\x9f\x98\x80\"");
    out.clear();
    // One byte that is not UTF-8 makes the whole value Latin-1, every high byte escaped.
    append_json_string(out, "\xc3\xa9 \xff\\");
    CHECK(out == "\"\\u00c3\\u00a9 \\u00ff\\\\\"");
}
