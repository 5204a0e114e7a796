#include "toolkit/logging/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace optml::logging {

namespace {

spdlog::logger& logger() {
    // Synchronized: the S3 uploader logs from its own threads.
    static auto instance = [] {
        auto created = std::make_shared<spdlog::logger>(
            "optml", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        created->set_pattern("%Y-%m-%d %H:%M:%S,%e optml %l: %v");
        created->set_level(spdlog::level::info);
        created->flush_on(spdlog::level::trace);
        return created;
    }();
    return *instance;
}

}  // namespace

void set_python_level(long long level) {
    spdlog::level::level_enum mapped = spdlog::level::info;
    if (level < 10)
        mapped = spdlog::level::trace;
    else if (level < 20)
        mapped = spdlog::level::debug;
    else if (level < 30)
        mapped = spdlog::level::info;
    else if (level < 40)
        mapped = spdlog::level::warn;
    else if (level < 50)
        mapped = spdlog::level::err;
    else
        mapped = spdlog::level::critical;
    logger().set_level(mapped);
}

void debug(std::string_view message) {
    logger().debug("{}", message);
}
void info(std::string_view message) {
    logger().info("{}", message);
}
void warn(std::string_view message) {
    logger().warn("{}", message);
}
void error(std::string_view message) {
    logger().error("{}", message);
}

}  // namespace optml::logging
