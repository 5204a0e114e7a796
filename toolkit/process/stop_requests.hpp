#pragma once

#include <chrono>
#include <optional>

namespace optml::process {

// Between programs (reading config, waiting for hosts, extracting code) no one would receive
// a stop: by default SIGTERM would kill train before it reports, and as PID 1 the kernel
// would drop it. So train keeps the forwarded signals blocked for its whole life and asks
// here whether a stop came in. run_supervised forwards whatever arrives while a program runs.

// Blocks the forwarded signals (SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2) for the
// calling thread and every thread started after it: call first thing in main.
void keep_stop_requests_pending();

// A pending SIGTERM or SIGINT, taken; SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 with no program
// to receive them are dropped on the way.
std::optional<int> take_stop_request();

// Waits up to `timeout` for a stop request: a pause that still reacts to a stop at once.
std::optional<int> wait_for_stop_request(std::chrono::milliseconds timeout);

// Whether a SIGTERM or SIGINT is pending, leaving it pending: one cheap system call, for
// loops that cannot stop right where they are (inside libarchive, inside a libcurl
// callback) and take the request with take_stop_request once they are back out.
bool stop_request_pending();

// A write past RLIMIT_FSIZE would kill train with SIGXFSZ before it reports anything; with
// SIGXFSZ ignored the write fails with EFBIG instead, and that error is reported like any
// other. Programs still start with the default disposition (spawn resets it before exec).
void report_file_size_limit_as_error();

}  // namespace optml::process
