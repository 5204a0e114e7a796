#include "toolkit/files/code_acquisition.hpp"

#include <memory>
#include <string_view>
#include <system_error>

#include "toolkit/errors/error.hpp"
#include "toolkit/files/directory_cleanup.hpp"
#include "toolkit/files/display.hpp"
#include "toolkit/files/safe_extract.hpp"
#include "toolkit/files/stop_check.hpp"
#include "toolkit/files/tree_copy.hpp"
#include "toolkit/s3/client.hpp"
#include "toolkit/system/temporary_path.hpp"
#include "toolkit/system/uri_redaction.hpp"

namespace optml::files {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& message) {
    throw errors::Error(errors::ErrorKind::CodeAcquisition, message);
}

std::string submit_name(std::string_view submit_directory) {
    return "sagemaker_submit_directory " + detail::quote_name(system::redact_uri(submit_directory));
}

bool prepare_code_dir(const fs::path& code_dir) {
    const std::string shown = detail::quote_name(code_dir.string());
    std::error_code error;
    if (fs::exists(code_dir, error) && !fs::is_directory(code_dir, error)) {
        fail("The code directory " + shown + " exists but is not a folder.");
    }
    fs::create_directories(code_dir, error);
    if (error) fail("Cannot create the code directory " + shown + ": " + error.message() + ".");
    const fs::directory_iterator first(code_dir, error);
    if (error) fail("Cannot read the code directory " + shown + ": " + error.message() + ".");
    return first == fs::directory_iterator();
}

bool same_folder(const fs::path& first, const fs::path& second) {
    std::error_code error;
    const fs::path first_canonical = fs::canonical(first, error);
    if (error) return false;
    const fs::path second_canonical = fs::canonical(second, error);
    return !error && first_canonical == second_canonical;
}

// Whatever fill leaves behind when it fails is removed, so a half-copied or half-extracted
// tree is never mistaken for the user's code by this run or the next.
template <typename Fill>
void fill_or_leave_empty(const fs::path& code_dir, Fill fill) {
    try {
        fill();
    } catch (...) {
        detail::clear_directory_contents(code_dir);
        throw;
    }
}

// The archive is downloaded whole before anything is extracted: extraction checks every
// entry first, and a broken download must never leave half a tree in the code dir.
system::TemporaryFile temporary_archive() {
    try {
        return system::TemporaryFile("optml-code-", ".tar.gz");
    } catch (const std::system_error& error) {
        fail("Cannot create a temporary file to download the code into: " + error.code().message() +
             ".");
    }
}

void download_and_extract(const std::string& uri, const fs::path& code_dir,
                          const system::EnvironmentSnapshot& environment) {
    const std::optional<s3::ObjectRef> object = s3::parse_s3_uri(uri);
    if (!object || object->key.empty() || object->key.ends_with('/')) {
        fail(submit_name(uri) + " is not an S3 object URI of the form s3://bucket/key.tar.gz.");
    }
    const system::TemporaryFile archive = temporary_archive();
    s3::ClientOptions options = s3::client_options_from_environment(environment);
    // A stop request aborts the transfer within a second, also while the server stalls.
    options.cancel = detail::stop_pending;
    try {
        s3::Client(std::move(options), std::make_shared<s3::CredentialsProvider>(environment))
            .download(*object, archive.path());
    } catch (const s3::S3Error& error) {
        detail::stop_if_requested("downloading the code from " + system::redact_uri(uri));
        fail(submit_name(uri) + ": train cannot download from " + system::redact_uri(uri) + ". " +
             error.what());
    }
    detail::stop_if_requested("downloading the code from " + system::redact_uri(uri));
    extract_archive_safely(archive.path(), code_dir);
}

}  // namespace

CodeSource acquire_code(const std::string& submit_directory, const fs::path& code_dir,
                        const system::EnvironmentSnapshot& environment) {
    // Like the reference: code already in place (baked into the image, or an earlier run)
    // wins over whatever sagemaker_submit_directory names.
    if (!prepare_code_dir(code_dir)) return CodeSource::AlreadyPresent;

    if (submit_directory.starts_with("s3://")) {
        // Only bucket and key are shown: anything after '?' is not part of an S3 URI.
        const std::string uri = submit_directory.substr(0, submit_directory.find('?'));
        fill_or_leave_empty(code_dir, [&] { download_and_extract(uri, code_dir, environment); });
        return CodeSource::ExtractedArchive;
    }

    const fs::path submit(submit_directory);
    std::error_code error;
    const fs::file_status status = fs::status(submit, error);
    if (status.type() == fs::file_type::not_found || submit_directory.empty()) {
        fail(submit_name(submit_directory) + " does not exist.");
    }
    if (error) {
        fail("Cannot inspect " + submit_name(submit_directory) + ": " + error.message() + ".");
    }

    if (fs::is_directory(status)) {
        if (same_folder(submit, code_dir)) return CodeSource::AlreadyPresent;
        fill_or_leave_empty(code_dir, [&] { detail::copy_tree(submit, code_dir); });
        return CodeSource::CopiedDirectory;
    }
    if (!fs::is_regular_file(status)) {
        fail(submit_name(submit_directory) + " is neither a folder nor a .tar.gz file.");
    }
    fill_or_leave_empty(code_dir, [&] { extract_archive_safely(submit, code_dir); });
    return CodeSource::ExtractedArchive;
}

}  // namespace optml::files
