#pragma once

#include <optional>
#include <string>
#include <string_view>

// The XGBoost runner's status channel: one TCP connection from each worker host's train to
// the leader's, one text line per message. Reasons carry exit codes, signal and host names
// only, never anything of the job's configuration.
//
//   worker -> leader   JOIN <host> <1|0>        it joined; whether its data channel has files
//                      DONE                      its program exited 0
//                      FAILED <reason>           its program failed, or its train is stopping
//   leader -> worker   START <rank> <workers> <tracker port>
//                      IDLE                      no data on that host: it trains nothing
//                      END                       every program exited 0
//                      ABORT <host> <reason>     the job failed on <host>
namespace optml::xgboost {

struct Message {
    std::string verb;
    std::string rest;  // after the verb and one space
};

std::string message_line(std::string_view verb, std::string_view rest = {});
Message parse_message(std::string_view line);

// Splits a byte stream into lines: feed it what recv gave, take whole lines out.
class LineBuffer {
  public:
    void feed(std::string_view bytes) { pending_ += bytes; }
    std::optional<std::string> next_line();
    // A peer that sends a line this long is not one of ours.
    bool overflowing() const { return pending_.size() > 64 * 1024; }

  private:
    std::string pending_;
};

struct JoinMessage {
    std::string host;
    bool has_data = false;
};
std::optional<JoinMessage> parse_join(const Message& message);

struct StartMessage {
    std::size_t rank = 0;
    std::size_t workers = 0;
    int tracker_port = 0;
};
std::optional<StartMessage> parse_start(const Message& message);

struct AbortMessage {
    std::string host;
    std::string reason;
};
AbortMessage parse_abort(const Message& message);

}  // namespace optml::xgboost
