#include "toolkit/files/entry_policy.hpp"

#include <climits>
#include <optional>
#include <system_error>
#include <utility>

#include "toolkit/errors/error.hpp"
#include "toolkit/files/display.hpp"

namespace optml::files::detail {

namespace fs = std::filesystem;

namespace {

// The kernel gives up (ELOOP) after this many links in one lookup; so do we.
constexpr int kMaxLinksFollowed = 40;

std::vector<std::string> split(std::string_view path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        parts.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

// The components of a relative path with empty and '.' ones dropped; nullopt when one is '..'.
// Tar writers put "./" in front of names and "//" inside them, and both are harmless.
std::optional<std::vector<std::string>> normalized_components(std::string_view path) {
    std::vector<std::string> components;
    for (std::string& part : split(path)) {
        if (part.empty() || part == ".") continue;
        if (part == "..") return std::nullopt;
        components.push_back(std::move(part));
    }
    return components;
}

std::string join(const std::vector<std::string>& components, std::size_t count) {
    std::string path;
    for (std::size_t i = 0; i < count; ++i) {
        if (i > 0) path += '/';
        path += components[i];
    }
    return path;
}

std::string join(const std::vector<std::string>& components) {
    return join(components, components.size());
}

const char* unsupported_type_description(EntryType type) {
    switch (type) {
        case EntryType::CharacterDevice:
            return "is a character device";
        case EntryType::BlockDevice:
            return "is a block device";
        case EntryType::Fifo:
            return "is a FIFO";
        case EntryType::Socket:
            return "is a socket";
        case EntryType::Other:
            return "has an unknown type";
        default:
            return nullptr;
    }
}

bool destination_is_empty(const fs::path& destination) {
    std::error_code error;
    const fs::directory_iterator first(destination, error);
    return !error && first == fs::directory_iterator();
}

}  // namespace

EntryPolicy::EntryPolicy(std::string archive_name, fs::path destination)
    : archive_name_(std::move(archive_name)),
      destination_(std::move(destination)),
      look_on_disk_(!destination_is_empty(destination_)) {
    nodes_.emplace("", Node{NodeKind::Directory, false, {}});
}

AdmittedEntry EntryPolicy::admit(const EntryHeader& header) {
    const std::string_view name = header.name;
    if (name.empty()) reject(name, "has an empty name");
    if (const char* description = unsupported_type_description(header.type)) {
        reject(name,
               std::string(description) + ", and only files, folders and links are extracted");
    }
    if (name.front() == '/') reject(name, "has an absolute path");
    auto components = normalized_components(name);
    if (!components) reject(name, "has a '..' component");
    const std::string key = join(*components);
    if (key.empty()) {
        // "./" opens archives made with `tar -C dir .`; the destination's mode stays ours.
        if (header.type != EntryType::Directory) {
            reject(name, "names the destination folder itself");
        }
        return {};
    }
    if (destination_.native().size() + 1 + key.size() >= PATH_MAX) {
        reject(name, "has a path too long to extract");
    }
    admit_parents(name, *components);
    switch (header.type) {
        case EntryType::Directory:
            admit_directory(name, key);
            return {key, {}};
        case EntryType::RegularFile:
            admit_file(name, key);
            return {key, {}};
        case EntryType::HardLink:
            return {key, admit_hard_link(name, key, header.link_target)};
        case EntryType::SymbolicLink:
            admit_symbolic_link(name, std::move(*components), header.link_target);
            return {key, std::string(header.link_target)};
        default:
            reject(name, "has an unknown type");
    }
}

void EntryPolicy::check_links() {
    for (const PendingLink& link : pending_links_) {
        std::vector<std::string> position = link.folder;
        int links_followed = 0;
        switch (resolve(position, link.target, links_followed)) {
            case Resolution::Inside:
                break;
            case Resolution::Outside:
                reject(link.entry_name, "is a symbolic link to " + quote_name(link.target) +
                                            ", which points outside the destination");
            case Resolution::Loop:
                reject(link.entry_name, "is a symbolic link to " + quote_name(link.target) +
                                            " that never resolves (a loop of links)");
        }
    }
}

const EntryPolicy::Node* EntryPolicy::lookup(const std::string& relative_path) {
    if (const auto found = nodes_.find(relative_path); found != nodes_.end()) return &found->second;
    if (!look_on_disk_) return nullptr;
    std::error_code error;
    const fs::path on_disk = destination_ / relative_path;
    const fs::file_status status = fs::symlink_status(on_disk, error);
    if (error || !fs::exists(status)) return nullptr;
    Node node{NodeKind::File, false, {}};
    if (fs::is_symlink(status)) {
        node.kind = NodeKind::SymbolicLink;
        node.link_target = fs::read_symlink(on_disk, error).string();
        // An unreadable link cannot be judged, so it is taken as leading anywhere.
        if (error) node.link_target = "/";
    } else if (fs::is_directory(status)) {
        node.kind = NodeKind::Directory;
    }
    return &nodes_.emplace(relative_path, std::move(node)).first->second;
}

// Every folder on the way must be a real folder: writing through a symbolic link is how an
// archive reaches outside, even when the link itself looks harmless.
void EntryPolicy::admit_parents(std::string_view name, const std::vector<std::string>& components) {
    for (std::size_t count = 1; count < components.size(); ++count) {
        const std::string parent = join(components, count);
        const Node* node = lookup(parent);
        if (node == nullptr) {
            nodes_.emplace(parent, Node{NodeKind::Directory, true, {}});
        } else if (node->kind == NodeKind::SymbolicLink) {
            reject(name, "would be written through the symbolic link " + quote_name(parent));
        } else if (node->kind == NodeKind::File) {
            reject(name, "would be written inside " + quote_name(parent) + ", which is a file");
        }
    }
}

void EntryPolicy::admit_directory(std::string_view name, const std::string& key) {
    if (const Node* node = lookup(key)) {
        if (node->kind == NodeKind::SymbolicLink) {
            reject(name, "would replace the symbolic link of the same name");
        }
        if (node->kind == NodeKind::File) reject(name, "is a folder named like an earlier file");
        return;
    }
    nodes_.emplace(key, Node{NodeKind::Directory, true, {}});
}

void EntryPolicy::admit_file(std::string_view name, const std::string& key) {
    if (const Node* node = lookup(key)) {
        if (node->kind == NodeKind::SymbolicLink) {
            reject(name, "would replace the symbolic link of the same name");
        }
        if (node->kind == NodeKind::Directory) reject(name, "is a file named like a folder");
    }
    // A repeated file name (tar -r appends updates) simply overwrites.
    nodes_.insert_or_assign(key, Node{NodeKind::File, true, {}});
}

// Only a file extracted earlier from this archive may be linked to: that keeps the link
// inside the destination and away from symbolic links, which link() would duplicate as links
// whose relative targets mean something else in their new folder.
std::string EntryPolicy::admit_hard_link(std::string_view name, const std::string& key,
                                         std::string_view target) {
    const std::string shown = quote_name(target);
    if (target.empty()) reject(name, "is a hard link with an empty target");
    if (target.front() == '/') reject(name, "is a hard link to the absolute path " + shown);
    const auto components = normalized_components(target);
    if (!components) {
        reject(name, "is a hard link to " + shown + ", which leads outside the destination");
    }
    const std::string target_key = join(*components);
    if (target_key == key) reject(name, "is a hard link to itself");
    const Node* node = lookup(target_key);
    if (node == nullptr || node->kind != NodeKind::File || !node->from_archive) {
        reject(name,
               "is a hard link to " + shown + ", which is not an earlier file of the archive");
    }
    admit_file(name, key);
    return target_key;
}

void EntryPolicy::admit_symbolic_link(std::string_view name, std::vector<std::string> components,
                                      std::string_view target) {
    if (target.empty()) reject(name, "is a symbolic link with an empty target");
    if (target.front() == '/') {
        reject(name, "is a symbolic link to the absolute path " + quote_name(target));
    }
    const std::string key = join(components);
    // One name, one meaning: a link that replaced a folder or file would change what earlier
    // entries and other links resolve to.
    if (lookup(key) != nullptr) {
        reject(name, "is a symbolic link named like another entry or an existing file");
    }
    nodes_.emplace(key, Node{NodeKind::SymbolicLink, true, std::string(target)});
    components.pop_back();
    pending_links_.push_back({std::string(name), std::move(components), std::string(target)});
}

// Walks target from position the way the kernel would, following the archive's links (and
// those already in the destination) as it meets them, so `q -> .` then `p -> q/..` is seen
// to climb out even though "q/.." looks harmless as text.
EntryPolicy::Resolution EntryPolicy::resolve(std::vector<std::string>& position,
                                             std::string_view target, int& links_followed) {
    if (!target.empty() && target.front() == '/') return Resolution::Outside;
    for (std::string& part : split(target)) {
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (position.empty()) return Resolution::Outside;
            position.pop_back();
            continue;
        }
        position.push_back(std::move(part));
        const Node* node = lookup(join(position));
        if (node == nullptr || node->kind != NodeKind::SymbolicLink) continue;
        if (++links_followed > kMaxLinksFollowed) return Resolution::Loop;
        const std::string next_target = node->link_target;
        position.pop_back();
        if (const Resolution inner = resolve(position, next_target, links_followed);
            inner != Resolution::Inside) {
            return inner;
        }
    }
    return Resolution::Inside;
}

void EntryPolicy::reject(std::string_view name, const std::string& reason) const {
    throw errors::Error(errors::ErrorKind::CodeAcquisition,
                        "Refusing to extract archive " + quote_name(archive_name_) + ": entry " +
                            quote_name(name) + " " + reason + ".");
}

}  // namespace optml::files::detail
