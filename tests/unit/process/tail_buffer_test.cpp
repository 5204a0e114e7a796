#include <catch2/catch.hpp>

#include <string>

#include "toolkit/process/tail_buffer.hpp"

using optml::process::TailBuffer;

namespace {

void append(TailBuffer& tail, const std::string& text) {
    tail.append(text.data(), text.size());
}

}  // namespace

TEST_CASE("tail buffer keeps everything below its capacity", "[tail]") {
    TailBuffer tail(10);
    append(tail, "abc");
    append(tail, "def");
    CHECK(tail.str() == "abcdef");
    CHECK(tail.size() == 6);
}

TEST_CASE("tail buffer keeps the last bytes across wrap-arounds", "[tail]") {
    TailBuffer tail(5);
    append(tail, "abcd");
    append(tail, "efg");
    CHECK(tail.str() == "cdefg");
    append(tail, "h");
    CHECK(tail.str() == "defgh");
    append(tail, "ijklmnop");
    CHECK(tail.str() == "lmnop");
    append(tail, "qr");
    CHECK(tail.str() == "nopqr");
}

TEST_CASE("tail buffer matches a reference over many small appends", "[tail]") {
    TailBuffer tail(7);
    std::string all;
    for (int i = 0; i < 200; ++i) {
        const std::string piece(static_cast<std::size_t>(i % 9), static_cast<char>('a' + i % 26));
        append(tail, piece);
        all += piece;
        const std::size_t kept = std::min<std::size_t>(all.size(), 7);
        REQUIRE(tail.str() == all.substr(all.size() - kept));
    }
}

TEST_CASE("tail buffer is binary safe", "[tail]") {
    TailBuffer tail(4);
    const std::string bytes("\0\xff\n\x80\0", 5);
    append(tail, bytes);
    CHECK(tail.str() == bytes.substr(1));
}

TEST_CASE("tail buffer of capacity zero keeps nothing", "[tail]") {
    TailBuffer tail(0);
    append(tail, "abc");
    CHECK(tail.str().empty());
}
