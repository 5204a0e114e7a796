#pragma once

#include <string>
#include <utility>
#include <vector>

#include "toolkit/config/training_env.hpp"
#include "toolkit/pyjson/value.hpp"

namespace optml::mapping {

using Variables = std::vector<std::pair<std::string, std::string>>;

// The program's arguments: sorted hyperparameter names as "-x" (one character) or
// "--name", each followed by the value as Python's str() writes it (None -> "",
// dict -> "k=v,k2=v2" sorted by key). Values reach the program exactly; no quote stripping.
std::vector<std::string> to_cmd_args(const pyjson::Dict& hyperparameters);

// SM_TRAINING_ENV: every property of the reference's Environment.
pyjson::Value training_env_document(const config::TrainingEnv& env);

// Every SM_* variable the reference exports, in its order, each under the reference's presence
// rule (SM_TOPOLOGY only for a true topology; one SM_CHANNEL_* per channel, SM_HP_* per
// hyperparameter) (a later name that collides after
// upper-casing wins, as in the reference's dict). Strings as they are, None as "", anything
// else as byte-exact JSON.
Variables sm_variables(const config::TrainingEnv& env);

// What the program's environment adds to train's own: the SM_* set plus SAGEMAKER_JOB_NAME,
// CURRENT_HOST, SAGEMAKER_REGION and PYTHONPATH with the code dir first. Throws
// errors::Error(Configuration) for a name or value that cannot be an environment variable.
Variables program_variables(const config::TrainingEnv& env, const std::string& existing_pythonpath);

}  // namespace optml::mapping
