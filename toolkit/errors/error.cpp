#include "toolkit/errors/error.hpp"

namespace optml::errors {

std::string_view kind_name(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Configuration:
            return "ConfigurationError";
        case ErrorKind::EntryPoint:
            return "EntryPointError";
        case ErrorKind::CodeAcquisition:
            return "CodeAcquisitionError";
        case ErrorKind::InstallRequirements:
            return "InstallRequirementsError";
        case ErrorKind::InstallModule:
            return "InstallModuleError";
        case ErrorKind::HostResolution:
            return "HostResolutionError";
        case ErrorKind::Cluster:
            return "ClusterError";
        case ErrorKind::Supervision:
            return "SupervisionError";
        case ErrorKind::Stopped:
            return "Stopped";
        case ErrorKind::Internal:
            return "InternalError";
        case ErrorKind::RuntimeEnvironment:
            return "RuntimeEnvironmentError";
        case ErrorKind::RemoteFunction:
            return "RemoteFunctionError";
    }
    return "InternalError";
}

}  // namespace optml::errors
