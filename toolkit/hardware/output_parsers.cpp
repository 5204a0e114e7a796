#include "toolkit/hardware/hardware.hpp"
#include "toolkit/pyjson/python_text.hpp"

namespace optml::hardware {

long long count_gpus(std::string_view output) {
    // One "GPU <index>: <name> (UUID: ...)" line per device.
    long long count = 0;
    std::size_t line_start = 0;
    while (line_start < output.size()) {
        std::size_t line_end = output.find('\n', line_start);
        if (line_end == std::string_view::npos) line_end = output.size();
        if (output.substr(line_start, line_end - line_start).starts_with("GPU ")) ++count;
        line_start = line_end + 1;
    }
    return count;
}

long long count_neuron_cores(std::string_view json_text) {
    // A list of devices, each with an "nc_count"; anything unexpected counts as no device.
    try {
        pyjson::Value devices = pyjson::loads(json_text);
        if (!devices.is_list()) return 0;
        long long total = 0;
        for (const pyjson::Value& device : devices.as_list()) {
            if (!device.is_dict()) continue;
            const pyjson::Value* cores = device.as_dict().find("nc_count");
            if (cores != nullptr && cores->is_int() && cores->fits_int64())
                total += cores->as_int64();
        }
        return total;
    } catch (const pyjson::ParseError&) {
        return 0;
    }
}

}  // namespace optml::hardware
