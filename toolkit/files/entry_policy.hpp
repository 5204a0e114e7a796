#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace optml::files::detail {

enum class EntryType {
    Directory,
    RegularFile,
    HardLink,
    SymbolicLink,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
    Other,
};

// One archive header as read, before any checking.
struct EntryHeader {
    std::string_view name;
    EntryType type = EntryType::Other;
    std::string_view link_target;  // for hard and symbolic links
};

// Where an accepted entry goes, relative to the destination.
struct AdmittedEntry {
    std::string relative_path;  // no empty, '.' or '..' components; "" is the destination itself
    std::string link_target;    // hard link: relative path of the earlier file; symlink: verbatim
};

// Decides from headers alone whether an archive can be extracted without anything landing
// outside the destination. Every header goes through admit() in archive order, then
// check_links() runs once: a symbolic link's meaning depends on links that may come later in
// the archive, so link targets can only be judged against the complete tree.
// Rejections throw errors::Error(CodeAcquisition) naming the archive and the entry.
class EntryPolicy {
  public:
    // Names already in a non-empty destination are looked up on disk, so that an existing
    // symbolic link there is treated like one from the archive.
    EntryPolicy(std::string archive_name, std::filesystem::path destination);

    AdmittedEntry admit(const EntryHeader& header);
    void check_links();

  private:
    enum class NodeKind { Directory, File, SymbolicLink };
    struct Node {
        NodeKind kind;
        bool from_archive;
        std::string link_target;
    };
    struct PendingLink {
        std::string entry_name;
        std::vector<std::string> folder;
        std::string target;
    };
    enum class Resolution { Inside, Outside, Loop };

    const Node* lookup(const std::string& relative_path);
    void admit_parents(std::string_view name, const std::vector<std::string>& components);
    void admit_directory(std::string_view name, const std::string& key);
    void admit_file(std::string_view name, const std::string& key);
    std::string admit_hard_link(std::string_view name, const std::string& key,
                                std::string_view target);
    void admit_symbolic_link(std::string_view name, std::vector<std::string> components,
                             std::string_view target);
    Resolution resolve(std::vector<std::string>& position, std::string_view target,
                       int& links_followed);
    [[noreturn]] void reject(std::string_view name, const std::string& reason) const;

    std::string archive_name_;
    std::filesystem::path destination_;
    bool look_on_disk_;
    std::unordered_map<std::string, Node> nodes_;
    std::vector<PendingLink> pending_links_;
};

}  // namespace optml::files::detail
