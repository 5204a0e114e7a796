#pragma once

#include <string>
#include <string_view>

// The pickle of an optml_toolkit.remote.errors exception that train raises itself (an
// integrity failure, a stop the function did not answer) without starting Python for it:
// protocol 2, `errors.<class_name>(message)`. Unpickling needs optml_toolkit installed, as
// unpickling the SDK's own errors needs the SDK.
namespace optml::remote {

std::string pickle_remote_error(std::string_view class_name, std::string_view message);

}  // namespace optml::remote
