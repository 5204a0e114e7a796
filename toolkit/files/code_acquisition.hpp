#pragma once

#include <filesystem>
#include <string>

#include "toolkit/system/environment.hpp"

namespace optml::files {

enum class CodeSource {
    AlreadyPresent,    // code dir was not empty (or is the submit dir itself): nothing done
    CopiedDirectory,   // submit dir was a local folder, copied into the code dir
    ExtractedArchive,  // submit dir was a .tar.gz (local, or s3:// downloaded first), extracted
};

// Makes code_dir hold the user's code named by sagemaker_submit_directory, as the reference
// does: only when code_dir is missing or empty. An s3:// URI is downloaded to a temporary
// file (region, endpoint and credentials from environment, see toolkit/s3/) and extracted
// like a local archive. Throws errors::Error(CodeAcquisition) naming the submit directory
// (and for S3 the bucket and key) when it is missing, unreadable, hostile or not downloadable.
CodeSource acquire_code(const std::string& submit_directory, const std::filesystem::path& code_dir,
                        const system::EnvironmentSnapshot& environment);

}  // namespace optml::files
