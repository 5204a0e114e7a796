#pragma once

#include "toolkit/config/settings.hpp"
#include "toolkit/config/training_env.hpp"
#include "toolkit/entry/entry_point.hpp"
#include "toolkit/process/supervisor.hpp"
#include "toolkit/reporting/verdict.hpp"

namespace optml::xgboost {

// The XGBoost job on this host, once the code and its requirements are in place.
//
// Every distribution host runs its own train. The leader (first host) listens on the status
// port, starts XGBoost's tracker, waits for every host's train to join (each says whether
// its data channel has files), gives the tracker the number of workers, and only once it
// listens tells each host its rank (or that it trains nothing). Every host with data then
// runs its program with DMLC_TRACKER_URI, DMLC_TRACKER_PORT, DMLC_TASK_ID, DMLC_NUM_WORKER,
// OPTML_XGBOOST_RANK and OPTML_XGBOOST_COMMUNICATOR_ARGS.
//
// The first failure anywhere ends the job on every host: the host whose program failed
// reports its own error, the others an errors::Error(Cluster) naming that host. A host
// without data exits 0 at once; the leader without data waits for the job's end.
reporting::Verdict run_job(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                           const config::Settings& settings,
                           const process::SupervisorOptions& supervision);

}  // namespace optml::xgboost
