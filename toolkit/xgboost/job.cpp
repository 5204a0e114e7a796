#include "toolkit/xgboost/job.hpp"

#include <algorithm>

#include "toolkit/launchers/started_program.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/process/signal_name.hpp"
#include "toolkit/xgboost/data_channel.hpp"
#include "toolkit/xgboost/leader_channel.hpp"
#include "toolkit/xgboost/plan.hpp"
#include "toolkit/xgboost/tracker.hpp"
#include "toolkit/xgboost/worker_channel.hpp"

namespace optml::xgboost {

namespace {

constexpr auto kTrackerStopGrace = std::chrono::seconds(2);

// How this host's program ended, for the other hosts: codes and signal names only.
std::string describe_ending(const process::Outcome& outcome) {
    if (!outcome.started) return "its program could not be started";
    if (outcome.forwarded_stop_signal) {
        return "its train received " + process::signal_name(*outcome.forwarded_stop_signal) +
               " and stopped its program";
    }
    if (outcome.term_signal != 0) {
        return "its program was killed by " + process::signal_name(outcome.term_signal);
    }
    return "its program exited with code " + std::to_string(outcome.exit_status);
}

std::string rank_text(const StartMessage& place) {
    return "rank " + std::to_string(place.rank) + " of " + std::to_string(place.workers);
}

void log_no_data(const XgboostPlan& plan) {
    logging::info("host " + plan.host() + " has no files in the data channel '" + plan.channel +
                  "' (" + plan.channel_dir.string() + "): it is not an XGBoost worker");
}

process::Outcome run_program(const XgboostPlan& plan, const StartMessage& place,
                             const process::SupervisorOptions& supervision,
                             process::AbortRequest& abort) {
    process::SupervisorOptions options = supervision;
    options.abort = &abort;
    const process::Command program =
        worker_program(plan, WorkerAssignment{place.rank, place.workers, place.tracker_port});
    logging::info("starting the XGBoost program on " + plan.host() + " as " + rank_text(place));
    const process::Outcome outcome = process::run_supervised(program, options);
    logging::info("the XGBoost program exited with " + std::to_string(outcome.exit_code()));
    return outcome;
}

// This host's program failed on its own: its own error, with where it ran first.
reporting::Verdict own_failure(const XgboostPlan& plan, const StartMessage& place,
                               const process::Outcome& outcome) {
    launchers::require_started(outcome, "The program " + plan.program.executable);
    return reporting::verdict_for_program(
        outcome, reporting::FailureDetail{
                     "The XGBoost job failed on " + plan.host() + " (" + rank_text(place) + ").",
                     std::nullopt});
}

[[noreturn]] void throw_failed_elsewhere(const std::string& host, const std::string& reason,
                                         bool stopped_here) {
    throw errors::Error(errors::ErrorKind::Cluster,
                        "The XGBoost job failed on host '" + host + "': " + reason +
                            ". That host's output/failure holds its error." +
                            (stopped_here ? " This host's program was stopped." : ""));
}

reporting::Verdict lead(const XgboostPlan& plan, const config::Settings& settings,
                        const process::SupervisorOptions& supervision) {
    // Listening first lets workers join whenever their train gets there; the tracker imports
    // XGBoost meanwhile.
    LeaderChannel channel(settings.xgboost_status_port, plan.hosts, plan.index);
    Tracker tracker(plan.tracker);
    const bool own_data = channel_has_files(plan.channel_dir);
    logging::info("XGBoost leader of " + std::to_string(plan.hosts.size()) +
                  " hosts: waiting for every host's train to join");
    const std::vector<bool> has_data =
        channel.wait_for_joins(own_data, settings.xgboost_join_timeout);

    std::vector<std::optional<StartMessage>> places(plan.hosts.size());
    const auto workers =
        static_cast<std::size_t>(std::count(has_data.begin(), has_data.end(), true));
    if (workers == 0) {
        channel.fail(plan.host(), "no host has files in the data channel '" + plan.channel + "'");
        throw errors::Error(errors::ErrorKind::Configuration,
                            "No host of the XGBoost job has files in the data channel '" +
                                plan.channel + "' (" + plan.channel_dir.string() + ").");
    }
    const int port = tracker.start(workers, settings.xgboost_join_timeout);
    for (std::size_t i = 0, rank = 0; i < plan.hosts.size(); ++i) {
        if (has_data[i]) places[i] = StartMessage{rank++, workers, port};
    }

    process::AbortRequest abort;
    channel.start(places, &abort);
    std::optional<process::Outcome> outcome;
    const std::optional<StartMessage>& place = places[plan.index];
    if (place) {
        outcome = run_program(plan, *place, supervision, abort);
        if (!outcome->succeeded() && !outcome->aborted) {
            channel.fail(plan.host(), describe_ending(*outcome));
        }
    } else {
        log_no_data(plan);
        logging::info("waiting for the XGBoost job to end on the other hosts");
    }
    const std::optional<HostFailure> failure = channel.wait_for_end();
    if (!failure) channel.announce_success();
    tracker.stop(kTrackerStopGrace);

    if (outcome && !outcome->succeeded() && !outcome->aborted) {
        return own_failure(plan, *place, *outcome);
    }
    if (failure) throw_failed_elsewhere(failure->host, failure->reason, outcome.has_value());
    logging::info("the XGBoost job succeeded on every host");
    return reporting::success();
}

reporting::Verdict follow(const XgboostPlan& plan, const config::Settings& settings,
                          const process::SupervisorOptions& supervision) {
    const bool own_data = channel_has_files(plan.channel_dir);
    process::AbortRequest abort;
    WorkerChannel channel(plan.leader(), settings.xgboost_status_port, plan.host(), own_data,
                          settings.xgboost_join_timeout, &abort);
    const std::optional<StartMessage> place = channel.wait_for_start();
    if (!place) {
        log_no_data(plan);
        return reporting::success();
    }
    const process::Outcome outcome = run_program(plan, *place, supervision, abort);
    if (outcome.aborted) {
        const std::optional<LeaderWord> word = channel.word();
        if (word && word->kind == LeaderWord::Kind::Failed) {
            throw_failed_elsewhere(word->host, word->reason, true);
        }
        throw errors::Error(errors::ErrorKind::Cluster,
                            "The XGBoost leader '" + plan.leader() + "' was lost (" +
                                (word ? word->reason : std::string("no word from it")) +
                                "); this host's program was stopped.");
    }
    if (!outcome.succeeded()) {
        channel.report_failure(describe_ending(outcome));
        return own_failure(plan, *place, outcome);
    }
    channel.report_success();
    const LeaderWord word = channel.wait_for_word();
    switch (word.kind) {
        case LeaderWord::Kind::Succeeded:
            logging::info("the leader " + plan.leader() +
                          " reports that the XGBoost job succeeded");
            return reporting::success();
        case LeaderWord::Kind::Failed:
            throw_failed_elsewhere(word.host, word.reason, false);
        case LeaderWord::Kind::LeaderLost:
            break;
    }
    throw errors::Error(errors::ErrorKind::Cluster,
                        "The XGBoost leader '" + plan.leader() +
                            "' was lost before it reported the job's outcome (" + word.reason +
                            ").");
}

}  // namespace

reporting::Verdict run_job(const config::TrainingEnv& env, const entry::LaunchPlan& launch,
                           const config::Settings& settings,
                           const process::SupervisorOptions& supervision) {
    const XgboostPlan plan =
        plan_xgboost(env, launch, XgboostOptions{settings.xgboost_tracker_port});
    logging::info(std::string("XGBoost ") + (plan.is_leader() ? "leader" : "worker") + " " +
                  plan.host() + " of " + std::to_string(plan.hosts.size()) +
                  " hosts, data channel '" + plan.channel + "'");
    return plan.is_leader() ? lead(plan, settings, supervision)
                            : follow(plan, settings, supervision);
}

}  // namespace optml::xgboost
