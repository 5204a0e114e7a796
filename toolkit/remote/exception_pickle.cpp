#include "toolkit/remote/exception_pickle.hpp"

#include <cstdint>

namespace optml::remote {

std::string pickle_remote_error(std::string_view class_name, std::string_view message) {
    std::string out = "\x80\x02";  // PROTO 2
    out += 'c';                    // GLOBAL module\nname\n
    out += "optml_toolkit.remote.errors\n";
    out += class_name;
    out += '\n';
    out += 'X';  // BINUNICODE: 4-byte little-endian length, UTF-8 bytes
    const auto length = static_cast<std::uint32_t>(message.size());
    for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((length >> shift) & 0xff);
    out += message;
    out += '\x85';  // TUPLE1
    out += 'R';     // REDUCE: class(message)
    out += '.';     // STOP
    return out;
}

}  // namespace optml::remote
