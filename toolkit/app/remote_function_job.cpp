#include "toolkit/app/remote_function_job.hpp"

#include <unistd.h>

#include <fstream>
#include <future>
#include <sstream>

#include "toolkit/config/paths.hpp"
#include "toolkit/config/settings.hpp"
#include "toolkit/config/training_env_builder.hpp"
#include "toolkit/entry/entry_point.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/hardware/hardware.hpp"
#include "toolkit/launchers/job_parameters.hpp"
#include "toolkit/launchers/program_search.hpp"
#include "toolkit/launchers/shell_words.hpp"
#include "toolkit/launchers/started_program.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/mpi/job.hpp"
#include "toolkit/process/signal_name.hpp"
#include "toolkit/process/stop_requests.hpp"
#include "toolkit/process/supervisor.hpp"
#include "toolkit/pyjson/python_text.hpp"
#include "toolkit/pyjson/value.hpp"
#include "toolkit/remote/arguments.hpp"
#include "toolkit/remote/bootstrap.hpp"
#include "toolkit/remote/exception_pickle.hpp"
#include "toolkit/remote/integrity.hpp"
#include "toolkit/remote/invoker.hpp"
#include "toolkit/remote/metadata.hpp"
#include "toolkit/remote/payload_store.hpp"
#include "toolkit/system/temporary_path.hpp"
#include "toolkit/torchrun/plan.hpp"

namespace optml::app {

namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const fs::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
        throw errors::Error(errors::ErrorKind::Internal, "Cannot write " + path.string() + ".");
    }
}

void stop_if_requested(const std::string& next_step) {
    if (auto stop = process::take_stop_request()) {
        throw errors::StopRequested(*stop, "train received " + process::signal_name(*stop) +
                                               " before " + next_step +
                                               "; the function was not started.");
    }
}

// Collects what metadata.json files must not swallow: a tiny reader for the metadata
// download, which needs no digest.
class NoObserver : public s3::DownloadObserver {
  public:
    void restart() override {}
    void bytes(const char*, std::size_t) override {}
};

// One of the client's folders (function/, arguments/): payload.pkl and metadata.json, fetched
// together; the payload's digests are computed while it streams.
struct FetchedPayload {
    std::string metadata_text;
    std::unique_ptr<remote::PayloadDigest> digest;
};

FetchedPayload fetch_payload(remote::PayloadStore& store, const std::string& folder,
                             const fs::path& payload_file, const fs::path& metadata_file,
                             const remote::IntegrityKey& key) {
    FetchedPayload fetched;
    NoObserver none;
    store.fetch(folder + "/metadata.json", metadata_file, none);
    fetched.metadata_text = read_file(metadata_file);
    fetched.digest = std::make_unique<remote::PayloadDigest>(key);
    store.fetch(folder + "/payload.pkl", payload_file, *fetched.digest);
    return fetched;
}

// Where results/ and exception/ go and how they are hashed.
struct Uploader {
    remote::PayloadStore& store;
    const remote::IntegrityKey& key;
    remote::OutputHash hash;
    fs::path handoff;

    // payload.pkl first, then metadata.json (the client waits for the latter).
    void upload(const std::string& folder, const fs::path& payload_file,
                const std::string& python_version) const {
        const std::string payload = read_file(payload_file);
        store.put(payload_file, folder + "/payload.pkl");
        const fs::path metadata_file = handoff / (folder + "-metadata.json");
        write_file(metadata_file,
                   remote::metadata_json(remote::hash_of(payload, key, hash), python_version));
        store.put(metadata_file, folder + "/metadata.json");
    }

    // An exception train raises itself, pickled without Python.
    void upload_error(std::string_view class_name, const std::string& message,
                      const std::string& python_version) const {
        const fs::path file = handoff / "train-exception.pkl";
        write_file(file, remote::pickle_remote_error(class_name, message));
        upload("exception", file, python_version);
    }
};

std::string repr_of(std::string_view class_name, const std::string& message) {
    return std::string(class_name) + "(" + pyjson::repr(pyjson::Value(message)) + ")";
}

// The interpreter's full version ("3.11.2") for the metadata of an exception train raises
// itself before the invoker ran; only failures pay for this extra interpreter start.
std::string full_python_version(const fs::path& python, const fs::path& handoff,
                                const std::vector<std::string>& environment,
                                const process::SupervisorOptions& options,
                                const std::string& fallback) {
    const fs::path answer = handoff / "python-version.txt";
    process::Command command;
    command.executable = python.string();
    command.argv = {python.string(),
                    "-I",
                    "-S",
                    "-c",
                    "import sys; open(sys.argv[1], 'w').write('%d.%d.%d' % sys.version_info[:3])",
                    answer.string()};
    command.env = environment;
    const process::Outcome outcome = process::run_supervised(command, options);
    const std::string version = outcome.succeeded() ? read_file(answer) : "";
    return version.empty() ? fallback : version;
}

// The training environment a distributed remote function runs in. The SDK sends no
// distribution hyperparameters, and with the instance groups SageMaker always lists in
// resourceconfig.json no host would be distributed: --distribution spans the current group.
config::TrainingEnv distributed_env(const config::Paths& paths,
                                    const system::EnvironmentSnapshot& environment,
                                    const hardware::HardwareCounts& hardware) {
    config::TrainingEnv env = config::build_training_env(
        paths, config::read_config_documents(paths), environment, hardware);
    if (env.distribution_hosts.empty()) {
        env.distribution_instance_groups = {env.current_instance_group};
        env.distribution_hosts =
            env.current_instance_group_hosts.empty() ? env.hosts : env.current_instance_group_hosts;
        env.master_hostname = env.distribution_hosts.front();
        env.is_master = env.current_host == env.master_hostname;
    }
    return env;
}

// The invoker as the program a distribution runner starts on every rank.
entry::LaunchPlan invoker_launch_plan(const process::Command& invoker, const fs::path& python) {
    entry::LaunchPlan launch;
    launch.kind = entry::EntryPointKind::PythonModule;
    launch.program_spec.form = entry::ProgramSpec::Form::PythonModule;
    launch.program_spec.interpreter = python.string();
    launch.program_spec.target = "optml_toolkit.remote.invoke";
    launch.program = invoker;
    return launch;
}

// Under mpirun the ranks of every host find their payloads at one path, which mpirun exports
// with the leader's value: the same folder under each host's base dir, removed at the end.
class SharedHandoff {
  public:
    explicit SharedHandoff(fs::path path) : path_(std::move(path)) {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
        fs::create_directories(path_);
        fs::permissions(path_, fs::perms::owner_all, fs::perm_options::replace);
    }
    SharedHandoff(const SharedHandoff&) = delete;
    SharedHandoff& operator=(const SharedHandoff&) = delete;
    ~SharedHandoff() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

// --distribution torchrun: this host's torchrun over the invoker, planned by optml's torchrun
// runner (one torchrun per host, its node rank, --max_restarts 0) with the SDK's process count.
process::Command torchrun_command(const process::Command& invoker, const fs::path& python,
                                  const config::Paths& paths,
                                  const system::EnvironmentSnapshot& environment,
                                  const config::Settings& settings,
                                  const hardware::HardwareCounts& hardware,
                                  const std::string& nproc_per_node, const fs::path& log_dir) {
    const config::TrainingEnv env = distributed_env(paths, environment, hardware);
    const entry::LaunchPlan launch = invoker_launch_plan(invoker, python);
    torchrun::TorchrunOptions options;
    options.torchrun = launchers::split_shell_words(settings.torchrun, "OPTML_TORCHRUN");
    if (options.torchrun.empty()) {
        throw errors::Error(errors::ErrorKind::Configuration,
                            "The environment variable OPTML_TORCHRUN is empty.");
    }
    options.extra_arguments = {"--max_restarts", "0", "--log_dir", log_dir.string()};
    process::Command command = torchrun::plan_torchrun(env, launch, options).command;
    for (std::size_t i = 0; i + 1 < command.argv.size(); ++i) {
        if (command.argv[i] == "--nproc_per_node") command.argv[i + 1] = nproc_per_node;
    }
    return launchers::resolved_on_path(std::move(command));
}

std::string value_of(const std::vector<std::pair<std::string, std::string>>& variables,
                     std::string_view name, std::string fallback) {
    for (const auto& [key, value] : variables) {
        if (key == name) return value;
    }
    return fallback;
}

std::string job_name_of(const system::EnvironmentSnapshot& environment, const std::string& base) {
    if (auto name = environment.get("TRAINING_JOB_NAME"); name && !name->empty()) return *name;
    return base.substr(base.find_last_of('/') + 1);
}

}  // namespace

reporting::Verdict run_remote_function_job(const std::vector<std::string>& argument_list,
                                           const system::EnvironmentSnapshot& environment) {
    const config::Settings settings = config::read_settings(environment);
    const config::Paths paths = config::Paths::from_environment(environment);
    const remote::RemoteArguments arguments = remote::parse_remote_arguments(argument_list);
    const remote::IntegrityKey key =
        remote::integrity_key(environment.get("REMOTE_FUNCTION_SECRET_KEY"));
    const bool client_unhashed =
        remote::client_writes_no_hash(arguments.client_sagemaker_pysdk_version);
    const remote::DependencySettings dependencies =
        remote::parse_dependency_settings(arguments.dependency_settings);
    std::optional<std::string> conda_env = arguments.job_conda_env;
    if (!conda_env)
        conda_env =
            config::setting_text(config::setting_row("SAGEMAKER_JOB_CONDA_ENV"), environment);
    if (conda_env && conda_env->empty()) conda_env.reset();
    const bool torchrun = arguments.distribution == "torchrun";
    const bool mpirun = arguments.distribution == "mpirun";
    if (arguments.distribution && !arguments.distribution->empty() && !torchrun && !mpirun) {
        throw errors::Error(errors::ErrorKind::RuntimeEnvironment,
                            "--distribution " + *arguments.distribution +
                                " is not supported by optml's remote-function jobs (torchrun "
                                "and mpirun are).");
    }

    process::SupervisorOptions options;
    options.stop_timeout = settings.stop_timeout;
    options.cleanup_timeout = settings.cleanup_timeout;

    // The SDK's bootstrap, in its order.
    const fs::path python = entry::resolve_python(environment);
    const std::optional<std::string> job_python = remote::python_version_from_path(python);
    if (arguments.client_python_version && job_python && !conda_env)
        remote::check_python_version(*arguments.client_python_version, *job_python);

    const std::vector<std::string> base_environment = system::merge_environment(environment, {});
    std::error_code cwd_error;
    const fs::path working_dir = fs::current_path(cwd_error);
    stop_if_requested("unpacking the workspace");
    const std::optional<fs::path> workspace = remote::unpack_workspace(paths, working_dir);
    std::optional<std::string> function_conda_env = conda_env;
    if (workspace) {
        stop_if_requested("running pre_exec.sh");
        remote::run_pre_exec_script(*workspace, base_environment, options);
        if (auto file = remote::dependency_file(*workspace, dependencies)) {
            stop_if_requested("installing the dependencies");
            remote::Installer installer{python, conda_env, base_environment, options};
            if (auto env = remote::install_dependencies(*file, installer)) function_conda_env = env;
        }
    }
    std::vector<std::pair<std::string, std::string>> training_variables;
    hardware::HardwareCounts hardware;
    if (fs::exists(paths.resource_config_file(), cwd_error)) {
        hardware = hardware::probe_hardware(environment, settings.probe_timeout);
        training_variables = remote::training_env_variables(
            paths, read_file(paths.resource_config_file()), hardware, arguments,
            job_name_of(environment, arguments.s3_base_uri));
        remote::write_training_env_file(paths.input / "sm_training.env", training_variables);
    }

    // The payloads, both folders at once, checked as they stream.
    stop_if_requested("downloading the function");
    std::unique_ptr<remote::PayloadStore> store =
        remote::open_payload_store(arguments.s3_base_uri, arguments.region, environment);
    std::optional<system::TemporaryDirectory> private_handoff;
    std::optional<SharedHandoff> shared_handoff;
    if (mpirun) {
        shared_handoff.emplace(paths.base / "remote-function");
    } else {
        private_handoff.emplace("optml-remote-");
    }
    const fs::path& dir = mpirun ? shared_handoff->path() : private_handoff->path();
    auto function_download = std::async(std::launch::async, [&] {
        return fetch_payload(*store, "function", dir / "function.pkl",
                             dir / "function-metadata.json", key);
    });
    FetchedPayload arguments_payload = fetch_payload(*store, "arguments", dir / "arguments.pkl",
                                                     dir / "arguments-metadata.json", key);
    FetchedPayload function_payload = function_download.get();

    const Uploader uploader{*store, key, remote::output_hash(key, client_unhashed), dir};
    const std::string fallback_python = job_python.value_or("");
    for (FetchedPayload* payload : {&function_payload, &arguments_payload}) {
        const remote::MetadataReading reading =
            remote::read_metadata(payload->metadata_text, key.kind != remote::KeyKind::None);
        std::optional<std::string> problem;
        if (!reading.metadata) {
            problem = reading.error;
        } else {
            problem = payload->digest->check(*reading.metadata, client_unhashed);
        }
        if (problem) {
            logging::error("the payload failed its integrity check; the function is not run");
            uploader.upload_error(
                "DeserializationError", *problem,
                full_python_version(python, dir, base_environment, options, fallback_python));
            throw errors::Error(errors::ErrorKind::RemoteFunction,
                                repr_of("DeserializationError", *problem));
        }
    }

    // The function.
    std::vector<std::pair<std::string, std::string>> overrides = training_variables;
    remote::InvokerLaunch launch;
    launch.python = python;
    if (function_conda_env) {
        launch.conda = remote::conda_executable(environment);
        launch.conda_env = function_conda_env;
    }
    launch.handoff = dir;
    launch.workspace = workspace ? *workspace : working_dir;
    launch.package_dir = remote::find_package_dir();
    launch.environment = system::merge_environment(environment, overrides);
    launch.function_uri = store->uri("function/payload.pkl");
    launch.arguments_uri = store->uri("arguments/payload.pkl");
    launch.serialize_output_to_json = arguments.serialize_output_to_json;
    stop_if_requested("invoking the function");
    logging::info("invoking the remote function");
    process::Command command = remote::invoker_command(launch);
    if (mpirun) {
        if (function_conda_env) {
            throw errors::Error(errors::ErrorKind::RuntimeEnvironment,
                                "--distribution mpirun inside a conda environment is not "
                                "supported by optml's remote-function jobs yet.");
        }
        config::TrainingEnv env = distributed_env(paths, environment, hardware);
        env.additional_framework_parameters.set(
            std::string(launchers::kMpiProcessesPerHost),
            pyjson::Value(static_cast<std::int64_t>(
                std::stoll(value_of(training_variables, "SM_NPROC_PER_NODE", "1")))));
        logging::info("invoking the remote function through mpirun");
        // Every host uploads what its own first failing rank left, and fails with it; rank 0's
        // host uploads the result once the whole job succeeded.
        const auto upload_exception = [&]() -> std::optional<reporting::Verdict> {
            const std::optional<remote::InvokerReport> left = remote::read_invoker_report(dir);
            if (!left || !left->end.raised || !fs::exists(dir / "exception.pkl", cwd_error))
                return std::nullopt;
            uploader.upload("exception", dir / "exception.pkl",
                            left->python_version.empty() ? fallback_python : left->python_version);
            return reporting::verdict_for_remote_function(process::Outcome{}, left->end);
        };
        const reporting::Verdict verdict = mpi::run_job(env, invoker_launch_plan(command, python),
                                                        settings, options, {}, upload_exception);
        if (!verdict.succeeded()) return verdict;  // a rank on another host failed first
        const std::optional<remote::InvokerReport> report = remote::read_invoker_report(dir);
        if (report) {
            uploader.upload(
                "results", dir / "output.pkl",
                report->python_version.empty() ? fallback_python : report->python_version);
            if (arguments.serialize_output_to_json && fs::exists(dir / "output.json", cwd_error))
                store->put(dir / "output.json", "results/results.json");
            return reporting::success();
        }
        if (!env.is_master) return verdict;  // rank 0 runs on the leader
        const std::string why = "The remote function's rank 0 ended without reporting its result.";
        uploader.upload_error("RemoteFunctionError", why, fallback_python);
        return reporting::verdict_for_remote_function(
            process::Outcome{},
            reporting::RemoteFunctionEnd{true, repr_of("RemoteFunctionError", why), std::nullopt});
    }
    std::optional<system::TemporaryDirectory> torchrun_logs;
    if (torchrun) {
        if (function_conda_env) {
            throw errors::Error(errors::ErrorKind::RuntimeEnvironment,
                                "--distribution torchrun inside a conda environment is not "
                                "supported by optml's remote-function jobs yet.");
        }
        torchrun_logs.emplace("optml-torchrun-");
        command = torchrun_command(command, python, paths, environment, settings, hardware,
                                   value_of(training_variables, "SM_NPROC_PER_NODE", "1"),
                                   torchrun_logs->path());
        logging::info("invoking the remote function through torchrun");
    }
    const process::Outcome outcome = launchers::run_started(command, options);
    const std::optional<remote::InvokerReport> report = remote::read_invoker_report(dir);
    const std::string python_version =
        report && !report->python_version.empty() ? report->python_version : fallback_python;

    // What the client reads.
    if (report && !report->end.raised && outcome.succeeded() && !outcome.forwarded_stop_signal) {
        uploader.upload("results", dir / "output.pkl", python_version);
        if (arguments.serialize_output_to_json && fs::exists(dir / "output.json", cwd_error))
            store->put(dir / "output.json", "results/results.json");
    } else if (report && report->end.raised && fs::exists(dir / "exception.pkl", cwd_error)) {
        uploader.upload("exception", dir / "exception.pkl", python_version);
    } else if (torchrun && !report && outcome.succeeded()) {
        // Rank 0 runs on another host and writes results/ from there.
        return reporting::success();
    } else if (torchrun && !report && !outcome.forwarded_stop_signal) {
        // A rank on another host failed first and wrote exception/; this host's ranks failed
        // with it.
        return reporting::verdict_for_remote_function(outcome, std::nullopt);
    } else {
        const std::string why = outcome.forwarded_stop_signal
                                    ? "The job was stopped: train received " +
                                          process::signal_name(*outcome.forwarded_stop_signal) +
                                          " and the function did not return in time."
                                    : "The remote function's process ended (exit code " +
                                          std::to_string(outcome.exit_code()) +
                                          ") without reporting its result.";
        uploader.upload_error("RemoteFunctionError", why, python_version);
        // raised: a failure whatever the process's own exit code was.
        const int code = outcome.exit_code();
        return reporting::verdict_for_remote_function(
            outcome, reporting::RemoteFunctionEnd{
                         true, repr_of("RemoteFunctionError", why),
                         code != 0 ? std::optional<long long>(code) : std::nullopt});
    }
    return reporting::verdict_for_remote_function(
        outcome, report ? std::optional(report->end) : std::nullopt);
}

}  // namespace optml::app
