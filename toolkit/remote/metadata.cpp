#include "toolkit/remote/metadata.hpp"

#include <cstdio>

#include "toolkit/pyjson/python_text.hpp"
#include "toolkit/pyjson/value.hpp"

namespace optml::remote {

namespace {

constexpr std::string_view kVersion = "2023-04-24";
constexpr std::string_view kSerializationModule = "cloudpickle";

// Python truthiness of a JSON value, for `if not sha256_hash`.
bool truthy(const pyjson::Value& value) {
    if (value.is_none()) return false;
    if (value.is_bool()) return value.as_bool();
    if (value.is_str()) return !value.as_str().empty();
    if (value.is_list()) return !value.as_list().empty();
    if (value.is_dict()) return !value.as_dict().empty();
    if (value.is_float()) return value.as_float() != 0.0;
    if (value.fits_int64()) return value.as_int64() != 0;
    return true;  // a big integer is never 0
}

bool equals_text(const pyjson::Value* value, std::string_view expected) {
    return value != nullptr && value->is_str() && value->as_str() == expected;
}

}  // namespace

MetadataReading read_metadata(std::string_view text, bool require_hash) {
    MetadataReading reading;
    pyjson::Value document;
    try {
        document = pyjson::loads(text);
    } catch (const std::exception&) {
        reading.error = "Corrupt metadata file. It is not a valid json file.";
        return reading;
    }
    // obj.get(...) on a list or a string would raise AttributeError in the SDK; a corrupt
    // file is the honest name for it here.
    if (!document.is_dict()) {
        reading.error = "Corrupt metadata file. It is not a valid json file.";
        return reading;
    }
    const pyjson::Dict& fields = document.as_dict();
    const pyjson::Value* hash = fields.find("sha256_hash");
    PayloadMetadata metadata;
    if (hash != nullptr && truthy(*hash)) {
        // A hash that is not text can never match a hex digest.
        metadata.sha256_hash = hash->is_str() ? hash->as_str() : pyjson::repr(*hash);
    }
    if (require_hash && !metadata.sha256_hash) {
        reading.error =
            "Corrupt metadata file. SHA256 hash for the serialized data does not exist. Please "
            "make sure to install SageMaker SDK version >= 2.156.0 on the client side and try "
            "again.";
        return reading;
    }
    if (!equals_text(fields.find("version"), kVersion) ||
        !equals_text(fields.find("serialization_module"), kSerializationModule)) {
        reading.error = "Corrupt metadata file. Serialization approach " + python_bytes_repr(text) +
                        " is not supported.";
        return reading;
    }
    if (const pyjson::Value* signature = fields.find("asymmetric_signature");
        signature != nullptr && !signature->is_none()) {
        metadata.asymmetric_signature = signature->is_str() ? signature->as_str() : "";
    }
    reading.metadata = std::move(metadata);
    return reading;
}

std::string metadata_json(const std::optional<std::string>& sha256_hash,
                          std::string_view python_version,
                          const std::optional<std::string>& asymmetric_signature) {
    pyjson::Dict fields;
    if (sha256_hash) fields.set("sha256_hash", *sha256_hash);
    fields.set("version", std::string(kVersion));
    fields.set("python_version", std::string(python_version));
    fields.set("serialization_module", std::string(kSerializationModule));
    if (asymmetric_signature) fields.set("asymmetric_signature", *asymmetric_signature);
    return pyjson::dumps_default(pyjson::Value(std::move(fields)));
}

std::string python_bytes_repr(std::string_view bytes) {
    const bool has_single = bytes.find('\'') != std::string_view::npos;
    const bool has_double = bytes.find('"') != std::string_view::npos;
    const char quote = has_single && !has_double ? '"' : '\'';
    std::string out = "b";
    out += quote;
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == quote || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (byte < 0x20 || byte >= 0x7f) {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
            out += escaped;
        } else {
            out += c;
        }
    }
    out += quote;
    return out;
}

}  // namespace optml::remote
