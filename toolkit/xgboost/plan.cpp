#include "toolkit/xgboost/plan.hpp"

#include <algorithm>

#include "toolkit/bootstraps/bootstraps.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/launchers/distribution_hosts.hpp"
#include "toolkit/launchers/job_parameters.hpp"

namespace optml::xgboost {

namespace {

std::string data_channel(const config::TrainingEnv& env) {
    std::string channel = launchers::string_parameter(env, kDataChannelParameter);
    if (channel.empty()) channel = kDefaultDataChannel;
    if (std::find(env.channels.begin(), env.channels.end(), channel) == env.channels.end()) {
        throw errors::Error(errors::ErrorKind::Configuration,
                            "inputdataconfig.json has no channel '" + channel +
                                "', the channel whose files decide which hosts train XGBoost "
                                "(set " +
                                std::string(kDataChannelParameter) + " to name another).");
    }
    return channel;
}

// JSON string of a host name or a number's digits: neither needs escaping beyond these.
std::string json_string(const std::string& text) {
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "\"";
}

}  // namespace

XgboostPlan plan_xgboost(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                         const XgboostOptions& options) {
    XgboostPlan plan;
    plan.index = launchers::distribution_index(env);
    plan.hosts = env.distribution_hosts;
    plan.channel = data_channel(env);
    plan.channel_dir = env.paths.channel_dir(plan.channel);
    if (!launch.program_spec.runs_under_python()) {
        throw errors::Error(errors::ErrorKind::EntryPoint,
                            "The XGBoost runner starts XGBoost's tracker with the job's Python "
                            "interpreter, but the entry point is a " +
                                std::string(entry::kind_name(launch.kind)) + ".");
    }
    plan.tracker.argv = {launch.program_spec.interpreter, "-c",
                         std::string(bootstraps::xgboost_tracker()),
                         std::to_string(options.tracker_port), plan.leader()};
    plan.tracker.executable = plan.tracker.argv.front();
    plan.tracker.env = launch.program.env;
    plan.tracker.cwd = launch.program.cwd;
    plan.program = launch.program;
    return plan;
}

std::string task_id(const WorkerAssignment& assignment) {
    const std::size_t width =
        std::to_string(assignment.workers > 0 ? assignment.workers - 1 : 0).size();
    std::string id = std::to_string(assignment.rank);
    if (id.size() < width) id.insert(0, width - id.size(), '0');
    return id;
}

launchers::Variables worker_variables(const std::string& tracker_host,
                                      const WorkerAssignment& assignment) {
    const std::string port = std::to_string(assignment.tracker_port);
    const std::string id = task_id(assignment);
    const std::string args =
        "{\"dmlc_communicator\": \"rabit\", \"dmlc_tracker_uri\": " + json_string(tracker_host) +
        ", \"dmlc_tracker_port\": " + port + ", \"dmlc_task_id\": " + json_string(id) + "}";
    return {
        {"DMLC_TRACKER_URI", tracker_host},
        {"DMLC_TRACKER_PORT", port},
        {"DMLC_TASK_ID", id},
        {"DMLC_NUM_WORKER", std::to_string(assignment.workers)},
        {std::string(kRankVariable), std::to_string(assignment.rank)},
        {std::string(kCommunicatorArgsVariable), args},
    };
}

process::Command worker_program(const XgboostPlan& plan, const WorkerAssignment& assignment) {
    process::Command program = plan.program;
    program.env =
        launchers::with_variables(program.env, worker_variables(plan.leader(), assignment));
    return program;
}

}  // namespace optml::xgboost
