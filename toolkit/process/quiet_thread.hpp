#pragma once

#include <functional>
#include <thread>

namespace optml::process {

// A thread that never receives asynchronous signals. The supervisor waits for SIGCHLD and the
// stop signals with sigtimedwait, which only works when every thread of train blocks them;
// a thread created with them unblocked could swallow a SIGCHLD or die of a SIGTERM.
// The mask is set before the thread exists, so there is no window in which it is open.
std::thread start_quiet_thread(std::function<void()> body);

}  // namespace optml::process
