#include "toolkit/files/entry_policy.hpp"

#include <catch2/catch.hpp>

#include "temp_folder.hpp"
#include "toolkit/errors/error.hpp"

namespace fs = std::filesystem;
using optml::errors::Error;
using optml::files::detail::EntryPolicy;
using optml::files::detail::EntryType;
using optml::files::testing::TempFolder;

TEST_CASE("names are normalized and the root entry is skipped") {
    TempFolder root;
    EntryPolicy policy("a.tar", root.path());
    CHECK(policy.admit({"./", EntryType::Directory, ""}).relative_path.empty());
    CHECK(policy.admit({"./pkg//sub/./mod.py", EntryType::RegularFile, ""}).relative_path ==
          "pkg/sub/mod.py");
    const auto link = policy.admit({"pkg/alias.py", EntryType::HardLink, "./pkg/sub//mod.py"});
    CHECK(link.relative_path == "pkg/alias.py");
    CHECK(link.link_target == "pkg/sub/mod.py");
    CHECK(policy.admit({"pkg/sub/up", EntryType::SymbolicLink, "../../pkg"}).link_target ==
          "../../pkg");
    CHECK_NOTHROW(policy.check_links());
}

TEST_CASE("links already in a non-empty destination count like the archive's own") {
    TempFolder root;
    fs::create_directory_symlink("/", root / "existing");
    SECTION("writing through one") {
        EntryPolicy policy("a.tar", root.path());
        CHECK_THROWS_AS(policy.admit({"existing/etc/x", EntryType::RegularFile, ""}), Error);
    }
    SECTION("resolving through one") {
        EntryPolicy policy("a.tar", root.path());
        policy.admit({"p", EntryType::SymbolicLink, "existing"});
        CHECK_THROWS_AS(policy.check_links(), Error);
    }
}

TEST_CASE("a long chain of in-tree links is fine, a cycle is not") {
    TempFolder root;
    EntryPolicy policy("a.tar", root.path());
    policy.admit({"l0", EntryType::SymbolicLink, "."});
    for (int i = 1; i < 30; ++i) {
        policy.admit(
            {"l" + std::to_string(i), EntryType::SymbolicLink, "l" + std::to_string(i - 1)});
    }
    CHECK_NOTHROW(policy.check_links());
    policy.admit({"self", EntryType::SymbolicLink, "self/x"});
    CHECK_THROWS_AS(policy.check_links(), Error);
}
