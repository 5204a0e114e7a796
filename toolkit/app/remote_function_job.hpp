#pragma once

#include <string>
#include <vector>

#include "toolkit/reporting/verdict.hpp"
#include "toolkit/system/environment.hpp"

namespace optml::app {

// `train remote-function ARGS...`: a SageMaker remote-function job (JOB_INTERFACE.md in
// python/src/optml_toolkit/remote/): bootstrap as the SDK's script, download and verify
// function/ and arguments/, run the invoker, upload results/ or exception/. Returns the
// verdict; throws errors::Error for what stops the job before the function's outcome.
reporting::Verdict run_remote_function_job(const std::vector<std::string>& arguments,
                                           const system::EnvironmentSnapshot& environment);

}  // namespace optml::app
