#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "toolkit/config/training_env.hpp"
#include "toolkit/entry/entry_point.hpp"
#include "toolkit/launchers/environment_list.hpp"
#include "toolkit/process/command.hpp"

namespace optml::xgboost {

// The framework parameter that names the channel whose files decide which hosts train.
inline constexpr std::string_view kDataChannelParameter = "sagemaker_xgboost_data_channel";
inline constexpr std::string_view kDefaultDataChannel = "train";

// Variables the program gets besides XGBoost's own DMLC_* ones.
inline constexpr std::string_view kRankVariable = "OPTML_XGBOOST_RANK";
inline constexpr std::string_view kCommunicatorArgsVariable = "OPTML_XGBOOST_COMMUNICATOR_ARGS";

struct XgboostOptions {
    int tracker_port = 9091;
};

// The XGBoost launch for this host, before anything runs: every distribution host runs its
// own program, the first one (the leader) also XGBoost's tracker.
struct XgboostPlan {
    std::vector<std::string> hosts;  // the distribution hosts, in order: ranks follow it
    std::size_t index = 0;           // this host's place among them
    std::string channel;             // the data channel
    std::filesystem::path channel_dir;
    process::Command tracker;  // the job's interpreter running the tracker bootstrap
    process::Command program;  // launch.program, before the worker variables

    const std::string& leader() const { return hosts.front(); }
    const std::string& host() const { return hosts[index]; }
    bool is_leader() const { return index == 0; }
};

// Throws errors::Error(Configuration) when this host is not a distribution host, the data
// channel parameter is not a string or names no channel of inputdataconfig.json, and
// errors::Error(EntryPoint) when the entry point does not run under Python (the tracker needs
// the job's interpreter).
XgboostPlan plan_xgboost(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                         const XgboostOptions& options);

// A host's place in the XGBoost job, decided once every host joined.
struct WorkerAssignment {
    std::size_t rank = 0;     // among the hosts with data, in host order
    std::size_t workers = 0;  // hosts with data
    int tracker_port = 0;     // where the tracker really listens
};

// DMLC_TASK_ID: the rank, zero-padded to the width of the largest one, so that the tracker's
// sort by task id (a string sort) gives ranks in host order also past 10 hosts.
std::string task_id(const WorkerAssignment& assignment);

// What XGBoost reads itself (DMLC_TRACKER_URI, DMLC_TRACKER_PORT, DMLC_TASK_ID,
// DMLC_NUM_WORKER), the rank, and the same as CommunicatorContext's keyword arguments in JSON
// (XGBoost >= 2.1 reads them from there).
launchers::Variables worker_variables(const std::string& tracker_host,
                                      const WorkerAssignment& assignment);

// The program with those variables.
process::Command worker_program(const XgboostPlan& plan, const WorkerAssignment& assignment);

}  // namespace optml::xgboost
