#pragma once

#include <string>
#include <string_view>

namespace optml::reporting {

// `bytes` with every byte that does not start a well-formed UTF-8 sequence (RFC 3629: no
// overlong forms, no surrogates U+D800..U+DFFF, nothing above U+10FFFF) replaced by U+FFFD,
// so a failure file is always valid text whatever the program wrote to stderr.
std::string valid_utf8(std::string_view bytes);

}  // namespace optml::reporting
