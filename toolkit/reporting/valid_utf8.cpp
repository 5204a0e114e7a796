#include "toolkit/reporting/valid_utf8.hpp"

#include "toolkit/pyjson/python_text.hpp"

namespace optml::reporting {

std::string valid_utf8(std::string_view bytes) {
    std::string text;
    text.reserve(bytes.size());
    for (;;) {
        const std::size_t bad = pyjson::first_invalid_utf8_byte(bytes);
        if (bad == std::string_view::npos) break;
        text.append(bytes.substr(0, bad));
        text += "\xEF\xBF\xBD";
        bytes.remove_prefix(bad + 1);
    }
    text.append(bytes);
    return text;
}

}  // namespace optml::reporting
