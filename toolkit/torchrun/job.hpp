#pragma once

#include "toolkit/config/settings.hpp"
#include "toolkit/config/training_env.hpp"
#include "toolkit/entry/entry_point.hpp"
#include "toolkit/process/supervisor.hpp"
#include "toolkit/reporting/verdict.hpp"

namespace optml::torchrun {

// The torchrun job on this host: every distribution host runs its own torchrun (OPTML_TORCHRUN,
// default `torchrun`) with its node rank, under the supervisor, and reports its own outcome.
//
// Failures spread through torch itself: ranks blocked in a collective with a dead peer fail,
// and with --max_restarts 0 each agent then ends instead of restarting its workers. An agent
// whose workers ended waits in torch's exit barrier for the other agents (at most torch's
// 300 s) before it exits, and while it waits in C++ it does not see SIGTERM: a stop reaches it
// as SIGKILL after the supervisor's stop timeout (OPTML_STOP_TIMEOUT), so train exits within
// that bound either way. torchrun's per-run files go to a temporary --log_dir that is removed
// afterwards.
reporting::Verdict run_job(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                           const config::Settings& settings,
                           const process::SupervisorOptions& supervision);

}  // namespace optml::torchrun
