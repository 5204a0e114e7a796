#include "toolkit/app/run_result_file.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

#include "toolkit/logging/log.hpp"
#include "toolkit/pyjson/python_text.hpp"

namespace optml::app {

namespace {

pyjson::Value optional_text(const std::optional<std::string>& text) {
    return text ? pyjson::Value(*text) : pyjson::Value(pyjson::None{});
}

std::optional<std::string> text_or_none(const pyjson::Dict& document, std::string_view key) {
    const pyjson::Value* value = document.find(key);
    if (value == nullptr || !value->is_str()) return std::nullopt;
    return value->as_str();
}

}  // namespace

bool write_run_result(const std::filesystem::path& file, const reporting::RunReport& report,
                      const std::string& command) {
    pyjson::Dict document;
    document.set("exit_code", pyjson::Value(static_cast<std::int64_t>(report.exit_code)));
    document.set("error_class", optional_text(report.error_class));
    document.set("stderr_tail", report.stderr_tail);
    document.set("extra_info", optional_text(report.extra_info));
    document.set("command", command);
    document.set("failure_text", optional_text(report.failure_text));
    const std::string text = pyjson::dumps(pyjson::Value(std::move(document)));

    std::filesystem::path partial = file;
    partial += ".partial";
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        out << text;
        out.close();
        if (!out) {
            logging::error("cannot write the run's result file " + file.string());
            std::error_code ignored;
            std::filesystem::remove(partial, ignored);
            return false;
        }
    }
    std::error_code error;
    std::filesystem::rename(partial, file, error);
    if (error) {
        logging::error("cannot write the run's result file " + file.string() + ": " +
                       error.message());
        std::filesystem::remove(partial, error);
        return false;
    }
    return true;
}

std::optional<reporting::RunReport> read_last_run_result(const std::filesystem::path& folder) {
    std::ifstream in(folder / kLastRunResultName, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    pyjson::Value document;
    try {
        document = pyjson::loads(text.str());
    } catch (const pyjson::ParseError&) {
        return std::nullopt;
    }
    if (!document.is_dict()) return std::nullopt;
    const pyjson::Dict& fields = document.as_dict();
    reporting::RunReport report;
    const pyjson::Value* exit_code = fields.find("exit_code");
    if (exit_code == nullptr || !exit_code->fits_int64()) return std::nullopt;
    report.exit_code = static_cast<int>(exit_code->as_int64());
    report.error_class = text_or_none(fields, "error_class");
    report.stderr_tail = text_or_none(fields, "stderr_tail").value_or("");
    report.extra_info = text_or_none(fields, "extra_info");
    report.failure_text = text_or_none(fields, "failure_text");
    return report;
}

}  // namespace optml::app
