#include "toolkit/files/tree_copy.hpp"

#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "toolkit/errors/error.hpp"
#include "toolkit/files/display.hpp"

namespace optml::files::detail {

namespace fs = std::filesystem;

namespace {

// Only the rwx bits travel: setuid, setgid and sticky bits have no business in user code.
constexpr fs::perms kCopiedBits =
    fs::perms::owner_all | fs::perms::group_all | fs::perms::others_all;

struct CopiedFolder {
    fs::path source;
    fs::path target;
};

class TreeCopier {
  public:
    TreeCopier(const fs::path& source, const fs::path& destination)
        : source_(source), destination_(destination) {}

    void run() {
        std::error_code error;
        fs::recursive_directory_iterator it(source_, fs::directory_options::none, error);
        if (error) fail("cannot list", source_, error);
        while (it != fs::recursive_directory_iterator()) {
            // Advancing opens the folder just copied, if any: that is the likely culprit.
            const fs::path listed = copy_entry(it) ? it->path() : it->path().parent_path();
            it.increment(error);
            if (error) fail("cannot list", listed, error);
        }
        // Folder modes last, deepest first: a read-only folder must not block its children.
        for (auto folder = folders_.rbegin(); folder != folders_.rend(); ++folder) {
            copy_metadata(folder->source, folder->target);
        }
    }

  private:
    // True when the entry is a folder the iterator will enter next.
    bool copy_entry(fs::recursive_directory_iterator& it) {
        const fs::path& from = it->path();
        const fs::path to = destination_ / from.lexically_relative(source_);
        std::error_code error;
        const fs::file_status status = it->symlink_status(error);
        if (error) fail("cannot inspect", from, error);
        switch (status.type()) {
            case fs::file_type::symlink: {
                const fs::path link_text = fs::read_symlink(from, error);
                if (error) fail("cannot read the link", from, error);
                fs::create_symlink(link_text, to, error);
                if (error) fail("cannot create the link", to, error);
                break;
            }
            case fs::file_type::directory:
                if (fs::equivalent(from, destination_, error)) {
                    it.disable_recursion_pending();
                    return false;
                }
                fs::create_directory(to, error);
                if (error) fail("cannot create the folder", to, error);
                folders_.push_back({from, to});
                return true;
            case fs::file_type::regular:
                fs::copy_file(from, to, fs::copy_options::none, error);
                if (error) fail("cannot copy the file", from, error);
                copy_metadata(from, to);
                break;
            default:
                throw errors::Error(errors::ErrorKind::CodeAcquisition,
                                    "Cannot copy sagemaker_submit_directory " +
                                        quote_name(source_.string()) + ": " +
                                        quote_name(from.string()) +
                                        " is not a file, folder or symbolic link.");
        }
        return false;
    }

    void copy_metadata(const fs::path& from, const fs::path& to) {
        std::error_code error;
        const fs::perms bits = fs::status(from, error).permissions() & kCopiedBits;
        if (!error) fs::permissions(to, bits, fs::perm_options::replace, error);
        if (error) fail("cannot copy the mode of", from, error);
        const fs::file_time_type modified = fs::last_write_time(from, error);
        if (!error) fs::last_write_time(to, modified, error);
        if (error) fail("cannot copy the modification time of", from, error);
    }

    [[noreturn]] void fail(const std::string& action, const fs::path& path,
                           const std::error_code& error) const {
        throw errors::Error(errors::ErrorKind::CodeAcquisition,
                            "Cannot copy sagemaker_submit_directory " +
                                quote_name(source_.string()) + " into " +
                                quote_name(destination_.string()) + ": " + action + " " +
                                quote_name(path.string()) + " (" + error.message() + ").");
    }

    const fs::path& source_;
    const fs::path& destination_;
    std::vector<CopiedFolder> folders_;
};

}  // namespace

void copy_tree(const fs::path& source, const fs::path& destination) {
    TreeCopier(source, destination).run();
}

}  // namespace optml::files::detail
