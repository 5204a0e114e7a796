#include <catch2/catch.hpp>

#include "toolkit/sync/upload_queue.hpp"

using optml::sync::detail::UploadQueue;

TEST_CASE("a path named many times while waiting is uploaded once") {
    UploadQueue queue;
    queue.push("a");
    queue.push("b");
    queue.push("a");
    queue.close();
    CHECK(queue.pop() == "a");
    queue.done("a");
    CHECK(queue.pop() == "b");
    queue.done("b");
    CHECK_FALSE(queue.pop().has_value());
    CHECK(queue.wait_drained(std::chrono::steady_clock::now()));
}

TEST_CASE("a path named while in flight is uploaded again afterwards, never twice at once") {
    UploadQueue queue;
    queue.push("a");
    REQUIRE(queue.pop() == "a");
    queue.push("a");                  // rewritten during its upload
    CHECK(queue.outstanding() == 1);  // only the running upload; the repeat waits for done()
    queue.done("a");
    CHECK(queue.outstanding() == 1);
    CHECK(queue.pop() == "a");
    queue.done("a");
    queue.close();
    CHECK(queue.wait_drained(std::chrono::steady_clock::now()));
}

TEST_CASE("abandon drops what has not started and reports how many") {
    UploadQueue queue;
    queue.push("a");
    queue.push("b");
    queue.push("c");
    REQUIRE(queue.pop() == "a");
    CHECK(queue.abandon() == 2);
    CHECK_FALSE(queue.wait_drained(std::chrono::steady_clock::now()));  // "a" still in flight
    queue.done("a");
    CHECK(queue.wait_drained(std::chrono::steady_clock::now()));
    CHECK_FALSE(queue.pop().has_value());
}
