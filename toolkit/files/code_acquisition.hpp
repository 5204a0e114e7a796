#pragma once

#include <filesystem>
#include <string>

namespace optml::files {

enum class CodeSource {
    AlreadyPresent,    // code dir was not empty (or is the submit dir itself): nothing done
    CopiedDirectory,   // submit dir was a local folder, copied into the code dir
    ExtractedArchive,  // submit dir was a local .tar.gz, extracted into the code dir
};

// Makes code_dir hold the user's code named by sagemaker_submit_directory, as the reference
// does: only when code_dir is missing or empty. Throws errors::Error(CodeAcquisition) naming
// the submit directory when it is missing, unreadable, hostile, or an s3:// URI (not yet).
CodeSource acquire_code(const std::string& submit_directory, const std::filesystem::path& code_dir);

}  // namespace optml::files
