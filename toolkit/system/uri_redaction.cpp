#include "toolkit/system/uri_redaction.hpp"

#include <cctype>

namespace optml::system {

namespace {

constexpr std::string_view kHidden = "***";

// RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
bool is_scheme(std::string_view text) {
    if (text.empty() || std::isalpha(static_cast<unsigned char>(text.front())) == 0) return false;
    for (const char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '+' && c != '-' && c != '.') {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string redact_uri(std::string_view uri) {
    const std::size_t separator = uri.find("://");
    if (separator == std::string_view::npos || !is_scheme(uri.substr(0, separator))) {
        return std::string(uri);
    }
    const std::size_t authority_start = separator + 3;
    const std::size_t authority_end = uri.find_first_of("/?#", authority_start);
    const std::string_view authority = uri.substr(authority_start, authority_end - authority_start);
    std::string redacted(uri.substr(0, authority_start));
    // The last '@' ends the userinfo: a password may itself contain an unescaped '@'.
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        redacted += kHidden;
        redacted += authority.substr(at);
    } else {
        redacted += authority;
    }
    if (authority_end == std::string_view::npos) return redacted;
    const std::string_view rest = uri.substr(authority_end);
    const std::size_t hidden_part = rest.find_first_of("?#");
    redacted += rest.substr(0, hidden_part);
    if (hidden_part != std::string_view::npos) {
        redacted += rest[hidden_part];
        redacted += kHidden;
    }
    return redacted;
}

}  // namespace optml::system
