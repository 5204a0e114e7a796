#pragma once

#include <string>
#include <vector>

namespace optml::parameter_server {

enum class TfTask {
    Training,         // "master" on the first host, "worker" on the others
    ParameterServer,  // "ps" on every host (only when there are several)
};

// TF_CONFIG as the reference's TensorFlow container lays it out: the first host is the
// "master" (port 2222), the others "worker" (2222), every host also a "ps" (2223) when there
// is more than one, "environment": "cloud", and this host's task. Written compact with sorted
// keys (pyjson::dumps); TensorFlow parses it, so the spacing of Python's json.dumps does not
// matter. Throws errors::Error(Internal) for a ps task on a single host or an unknown host.
std::string tf_config(const std::vector<std::string>& hosts, const std::string& current_host,
                      TfTask task);

}  // namespace optml::parameter_server
