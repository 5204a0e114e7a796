#include <fstream>

#include "toolkit/logging/log.hpp"
#include "toolkit/reporting/verdict.hpp"

namespace optml::reporting {

namespace {

bool write_file_atomically(const std::filesystem::path& file, const std::string& contents) {
    std::filesystem::path temporary = file;
    temporary += ".optml-tmp";
    {
        std::ofstream stream(temporary, std::ios::binary | std::ios::trunc);
        if (!stream) return false;
        stream << contents;
        if (!stream.flush()) return false;
    }
    std::error_code error;
    std::filesystem::rename(temporary, file, error);
    if (error) std::filesystem::remove(temporary, error);
    return !error;
}

}  // namespace

bool publish(const std::filesystem::path& output_dir, const Verdict& verdict) {
    std::error_code error;
    std::filesystem::create_directories(output_dir, error);
    if (error) {
        logging::error("cannot create " + output_dir.string() + ": " + error.message());
        return false;
    }
    if (verdict.succeeded()) {
        if (write_file_atomically(output_dir / "success", "")) return true;
        logging::error("cannot write " + (output_dir / "success").string());
        return false;
    }
    std::filesystem::path failure = output_dir / "failure";
    if (std::filesystem::exists(failure, error)) {
        logging::info("keeping the failure file already in " + output_dir.string());
        return true;
    }
    if (write_file_atomically(failure, *verdict.failure_reason)) return true;
    logging::error("cannot write " + failure.string());
    return false;
}

}  // namespace optml::reporting
