#include "toolkit/files/display.hpp"

#include <cstdio>

namespace optml::files::detail {

std::string quote_name(std::string_view name) {
    std::string text = "'";
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
            text += escaped;
        } else {
            text += c;
        }
    }
    text += "'";
    return text;
}

}  // namespace optml::files::detail
