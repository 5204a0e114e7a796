#include "toolkit/parameter_server/tf_config.hpp"

#include <algorithm>

#include "toolkit/errors/error.hpp"
#include "toolkit/pyjson/python_text.hpp"
#include "toolkit/pyjson/value.hpp"

namespace optml::parameter_server {

namespace {

constexpr int kTrainingPort = 2222;
constexpr int kParameterServerPort = 2223;

pyjson::List addresses(std::vector<std::string>::const_iterator begin,
                       std::vector<std::string>::const_iterator end, int port) {
    pyjson::List list;
    for (auto host = begin; host != end; ++host)
        list.emplace_back(*host + ":" + std::to_string(port));
    return list;
}

pyjson::Dict task_of(std::string type, std::int64_t index) {
    pyjson::Dict task;
    task.set("index", pyjson::Value(index));
    task.set("type", pyjson::Value(std::move(type)));
    return task;
}

}  // namespace

std::string tf_config(const std::vector<std::string>& hosts, const std::string& current_host,
                      TfTask task) {
    auto found = std::find(hosts.begin(), hosts.end(), current_host);
    if (found == hosts.end()) {
        throw errors::Error(errors::ErrorKind::Internal,
                            "TF_CONFIG asked for a host outside the cluster.");
    }
    const auto index = static_cast<std::int64_t>(found - hosts.begin());
    const bool with_ps = hosts.size() > 1;

    pyjson::Dict cluster;
    cluster.set("master", addresses(hosts.begin(), hosts.begin() + 1, kTrainingPort));
    if (with_ps) cluster.set("ps", addresses(hosts.begin(), hosts.end(), kParameterServerPort));
    if (hosts.size() > 1)
        cluster.set("worker", addresses(hosts.begin() + 1, hosts.end(), kTrainingPort));

    pyjson::Dict config;
    config.set("cluster", std::move(cluster));
    config.set("environment", "cloud");
    if (task == TfTask::ParameterServer) {
        if (!with_ps) {
            throw errors::Error(errors::ErrorKind::Internal,
                                "A single-host cluster has no parameter server task.");
        }
        config.set("task", task_of("ps", index));
    } else if (index == 0) {
        config.set("task", task_of("master", 0));
    } else {
        config.set("task", task_of("worker", index - 1));
    }
    return pyjson::dumps(pyjson::Value(std::move(config)));
}

}  // namespace optml::parameter_server
