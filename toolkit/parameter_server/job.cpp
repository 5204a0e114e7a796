#include "toolkit/parameter_server/job.hpp"

#include <memory>
#include <vector>

#include "toolkit/launchers/program_search.hpp"
#include "toolkit/launchers/shell_words.hpp"
#include "toolkit/launchers/started_program.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/parameter_server/plan.hpp"
#include "toolkit/process/helper_process.hpp"

namespace optml::parameter_server {

namespace {

parameter_server::ParameterServerOptions server_options(const config::Settings& settings) {
    parameter_server::ParameterServerOptions options;
    options.flavour = settings.parameter_server_flavour == "tensorflow"
                          ? parameter_server::ParameterServerFlavour::TensorFlow
                          : parameter_server::ParameterServerFlavour::Mxnet;
    options.server_command = launchers::split_shell_words(settings.parameter_server_command,
                                                          "OPTML_PARAMETER_SERVER_COMMAND");
    return options;
}

// Stops the servers in reverse start order however the job ends, a throw included.
class ServerGroup {
  public:
    explicit ServerGroup(std::chrono::milliseconds grace) : grace_(grace) {}
    ServerGroup(const ServerGroup&) = delete;
    ServerGroup& operator=(const ServerGroup&) = delete;
    ~ServerGroup() { stop(); }

    void start(const parameter_server::ServerProcess& server) {
        const process::Command command = launchers::resolved_on_path(server.command);
        logging::info("starting the parameter-server " + server.role + ": " + command.executable);
        servers_.push_back(std::make_unique<process::HelperProcess>(command));
    }

    void stop() {
        while (!servers_.empty()) {
            servers_.back()->stop(grace_);
            servers_.pop_back();
        }
    }

  private:
    std::chrono::milliseconds grace_;
    std::vector<std::unique_ptr<process::HelperProcess>> servers_;
};

}  // namespace

reporting::Verdict run_job(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                           const config::Settings& settings,
                           const process::SupervisorOptions& supervision) {
    const parameter_server::ParameterServerPlan plan =
        parameter_server::plan_parameter_server(env, launch, server_options(settings));
    logging::info("parameter servers (" + settings.parameter_server_flavour +
                  "): " + std::to_string(plan.servers.size()) + " on this host");
    ServerGroup servers(supervision.cleanup_timeout);
    for (const parameter_server::ServerProcess& server : plan.servers) servers.start(server);

    logging::info("starting the worker program " + plan.program.executable);
    const process::Outcome outcome = process::run_supervised(plan.program, supervision);
    servers.stop();
    launchers::require_started(outcome, "The program " + plan.program.executable);
    logging::info("the program exited with " + std::to_string(outcome.exit_code()));
    return reporting::verdict_for_program(outcome);
}

}  // namespace optml::parameter_server
