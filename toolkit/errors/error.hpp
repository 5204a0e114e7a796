#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace optml::errors {

// What went wrong, seen from the job's owner. reporting/ is the only place that turns a kind
// into an exit code and a failure file; everything else just throws.
enum class ErrorKind {
    Configuration,        // /opt/ml config files, SM_/SAGEMAKER_ variables, sagemaker_* values
    EntryPoint,           // no entry point named, or the named one is missing / not runnable
    CodeAcquisition,      // sagemaker_submit_directory cannot be turned into the code dir
    InstallRequirements,  // pip install -r requirements.txt failed
    InstallModule,        // pip install . of a Python package failed
    HostResolution,       // a host of the cluster never resolved
    Cluster,              // another host of a multi-host job was unreachable, or failed it
    Supervision,          // train could not start or watch the program (fork, pipes, signals)
    Stopped,              // train was asked to stop (SIGTERM...) before the program ran
    Internal,             // a bug in optml
    // Remote-function jobs (train remote-function), reported as the SDK's job scripts do:
    RuntimeEnvironment,  // bootstrap failed: "RuntimeEnvironmentError: <message>"
    RemoteFunction,  // the message is the whole failure text, e.g. "DeserializationError('...')"
};

// The class name written as the first line of output/failure, e.g. "ConfigurationError".
std::string_view kind_name(ErrorKind kind);

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const { return kind_; }

  private:
    ErrorKind kind_;
};

// A stop request (SIGTERM, SIGINT, ...) that arrived while no program was running.
class StopRequested : public Error {
  public:
    StopRequested(int signal_number, const std::string& message)
        : Error(ErrorKind::Stopped, message), signal_number_(signal_number) {}
    int signal_number() const { return signal_number_; }

  private:
    int signal_number_;
};

}  // namespace optml::errors
