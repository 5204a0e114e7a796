#include <catch2/catch.hpp>

#include <chrono>

#include "toolkit/xgboost/messages.hpp"
#include "toolkit/xgboost/tracker.hpp"

using namespace optml::xgboost;

TEST_CASE("status channel lines are one verb and its words, newlines kept out") {
    CHECK(message_line("DONE") == "DONE\n");
    CHECK(message_line("FAILED", "its program\nexited") == "FAILED its program exited\n");
    const Message message = parse_message("ABORT algo-2 its program exited with code 1\n");
    CHECK(message.verb == "ABORT");
    const AbortMessage abort = parse_abort(message);
    CHECK(abort.host == "algo-2");
    CHECK(abort.reason == "its program exited with code 1");
}

TEST_CASE("joins and starts are checked before they are believed") {
    const auto join = parse_join(parse_message("JOIN algo-3 0"));
    REQUIRE(join);
    CHECK(join->host == "algo-3");
    CHECK_FALSE(join->has_data);
    CHECK(parse_join(parse_message("JOIN algo-3 yes")) == std::nullopt);
    CHECK(parse_join(parse_message("HELLO algo-3 1")) == std::nullopt);
    const auto start = parse_start(parse_message("START 2 3 9091"));
    REQUIRE(start);
    CHECK(start->rank == 2);
    CHECK(start->workers == 3);
    CHECK(start->tracker_port == 9091);
    CHECK(parse_start(parse_message("START 3 3 9091")) == std::nullopt);
    CHECK(parse_start(parse_message("START 1 3")) == std::nullopt);
}

TEST_CASE("a byte stream becomes whole lines") {
    LineBuffer buffer;
    buffer.feed("JOIN al");
    CHECK(buffer.next_line() == std::nullopt);
    buffer.feed("go-2 1\nDONE\nFAI");
    CHECK(buffer.next_line() == "JOIN algo-2 1");
    CHECK(buffer.next_line() == "DONE");
    CHECK(buffer.next_line() == std::nullopt);
    CHECK_FALSE(buffer.overflowing());
}


TEST_CASE("the tracker's lines are tagged, and its listening line gives train the port") {
    TrackerOutput output(true);
    std::string out;
    output.rewrite("[0]\ttrain-rmse:3.4\n", out);
    output.rewrite("a progress ", out);
    output.rewrite("bar\n", out);
    CHECK(out == "[xgboost tracker] [0]\ttrain-rmse:3.4\n[xgboost tracker] a progress bar\n");
    CHECK(output.wait_for_port(std::chrono::milliseconds(0)) == std::nullopt);
    out.clear();
    output.rewrite("optml-xgboost-tracker-listening 9091\n", out);
    CHECK(out.empty());
    CHECK(output.wait_for_port(std::chrono::milliseconds(0)) == 9091);

    TrackerOutput errors(false);
    out.clear();
    errors.rewrite("optml-xgboost-tracker-listening 1\n", out);
    CHECK(out == "[xgboost tracker] optml-xgboost-tracker-listening 1\n");
}
