#pragma once

#include <string>

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

}  // namespace optml::xgboost
