#include "toolkit/config/config_files.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include "toolkit/errors/error.hpp"
#include "toolkit/pyjson/python_text.hpp"

namespace optml::config {

namespace {

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& problem) {
    throw errors::Error(errors::ErrorKind::Configuration,
                        file.filename().string() + " " + problem + " (" + file.string() + ").");
}

std::string read_whole_file(const std::filesystem::path& file) {
    std::error_code status_error;
    auto status = std::filesystem::status(file, status_error);
    if (!std::filesystem::exists(status)) {
        fail(file,
             "does not exist; SageMaker writes it before the job starts, so create it "
             "for a local run");
    }
    if (std::filesystem::is_directory(status)) fail(file, "is a directory, not a JSON file");
    std::ifstream stream(file, std::ios::binary);
    if (!stream) fail(file, "cannot be read");
    std::ostringstream contents;
    contents << stream.rdbuf();
    return contents.str();
}

}  // namespace

pyjson::Dict read_config_object(const std::filesystem::path& file) {
    std::string text = read_whole_file(file);
    pyjson::Value document;
    try {
        document = pyjson::loads(text);
    } catch (const pyjson::ParseError& parse_error) {
        fail(file, std::string("is not valid JSON: ") + parse_error.what());
    }
    if (!document.is_dict()) {
        fail(file,
             std::string("must hold a JSON object, not a ") + std::string(document.type_name()));
    }
    return document.as_dict();
}

pyjson::Dict decode_hyperparameters(const pyjson::Dict& stored) {
    pyjson::Dict decoded;
    for (const auto& [name, value] : stored) {
        if (!value.is_str()) {
            decoded.set(name, value);
            continue;
        }
        try {
            decoded.set(name, pyjson::loads(value.as_str()));
        } catch (const pyjson::ParseError&) {
            decoded.set(name, value);
        }
    }
    return decoded;
}

}  // namespace optml::config
