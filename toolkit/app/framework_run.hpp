#pragma once

#include "toolkit/entry/entry_point.hpp"
#include "toolkit/process/supervisor.hpp"
#include "toolkit/reporting/verdict.hpp"

namespace optml::app {

// The framework process of SAGEMAKER_TRAINING_MODULE, as one supervised process on this host:
// distribution is the framework's business (its toolkit hands each program to `train
// run-entry-point` with the runner it chose), so no MPI, torchrun or parameter-server launch
// goes around it. Its environment gets OPTML_REQUIREMENTS_INSTALLED=1 when the job already
// installed requirements.txt, and OPTML_RUN_RESULTS_DIR, a private folder where every
// run-entry-point leaves its result: when the framework fails by raising its last program's
// error, the job's failure is that program's (reporting::verdict_for_framework).
reporting::Verdict run_framework_process(entry::LaunchPlan plan, bool requirements_installed,
                                         const process::SupervisorOptions& options);

}  // namespace optml::app
