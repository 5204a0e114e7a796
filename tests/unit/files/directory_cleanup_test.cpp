#include "toolkit/files/directory_cleanup.hpp"

#include <catch2/catch.hpp>

#include "temp_folder.hpp"

namespace fs = std::filesystem;
using optml::files::detail::clear_directory_contents;
using optml::files::testing::is_empty_folder;
using optml::files::testing::TempFolder;
using optml::files::testing::write_file;

TEST_CASE("clearing removes read-only folders but not what links point to") {
    TempFolder root;
    const fs::path folder = root / "code";
    write_file(folder / "ro/deeper/file.py", "x");
    write_file(folder / "top.py", "y");
    write_file(root / "outside/keep.txt", "keep");
    fs::create_directory_symlink(root / "outside", folder / "link");
    fs::permissions(folder / "ro/deeper", fs::perms(0500));
    fs::permissions(folder / "ro", fs::perms(0));

    clear_directory_contents(folder);

    CHECK(is_empty_folder(folder));
    CHECK(fs::exists(root / "outside/keep.txt"));
    CHECK(optml::files::testing::mode_of(root / "outside") != fs::perms::none);
}
