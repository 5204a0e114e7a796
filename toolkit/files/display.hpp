#pragma once

#include <string>
#include <string_view>

namespace optml::files::detail {

// Quotes a path or archive entry name for an error message. Names come from archives we do
// not trust, so control bytes are escaped: a crafted name must not forge extra log lines.
std::string quote_name(std::string_view name);

}  // namespace optml::files::detail
