#pragma once

#include <functional>
#include <string>
#include <thread>

#include "toolkit/xgboost/messages.hpp"

// Socket pieces both ends of the status channel use.
namespace optml::xgboost {

// Sends one whole line (the channel's lines are short); false when the peer is gone.
bool send_line(int fd, const std::string& line);

enum class ReadResult {
    Data,    // bytes were added to the buffer (maybe none, after EINTR)
    Closed,  // the peer closed the connection (its train ended)
    Lost,    // the connection failed: reset, keepalive or user timeout, network down
};
// One recv of what is there; call when poll says the descriptor is readable.
ReadResult read_some(int fd, LineBuffer& buffer, int& error_number);

// A thread for the channel's watcher: it starts with every signal blocked, so that the
// SIGCHLD and stop requests the supervisor waits for never go to it.
std::thread start_watcher_thread(std::function<void()> body);

}  // namespace optml::xgboost
