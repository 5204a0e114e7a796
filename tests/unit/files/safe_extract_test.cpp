#include "toolkit/files/safe_extract.hpp"

#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "tar_builder.hpp"
#include "temp_folder.hpp"
#include "toolkit/errors/error.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using optml::errors::Error;
using optml::errors::ErrorKind;
using optml::files::extract_archive_safely;
using optml::files::testing::children_of;
using optml::files::testing::is_empty_folder;
using optml::files::testing::mode_of;
using optml::files::testing::read_file;
using optml::files::testing::TarBuilder;
using optml::files::testing::TempFolder;
using optml::files::testing::write_file;

namespace {

// dest/ is where archives go; sentinel/ next to it is what hostile archives aim at.
struct Sandbox {
    TempFolder root;
    fs::path destination = root / "dest";
    fs::path sentinel = root / "sentinel";
    fs::path archive = root / "upload.tar.gz";

    Sandbox() {
        fs::create_directory(destination);
        fs::create_directory(sentinel);
    }
};

void require_rejected(Sandbox& box, const TarBuilder& tar, const std::string& entry) {
    tar.write_tar_gz(box.archive);
    const auto before = children_of(box.root.path());
    try {
        extract_archive_safely(box.archive, box.destination);
        FAIL("the archive with entry '" << entry << "' was extracted");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::CodeAcquisition);
        CHECK_THAT(error.what(), Contains(box.archive.string()) && Contains("'" + entry + "'"));
    }
    CHECK(is_empty_folder(box.destination));
    CHECK(is_empty_folder(box.sentinel));
    CHECK(children_of(box.root.path()) == before);
}

void require_rejected(const TarBuilder& tar, const std::string& entry) {
    Sandbox box;
    require_rejected(box, tar, entry);
}

}  // namespace

TEST_CASE("a normal .tar.gz with nested folders is extracted with its modes") {
    Sandbox box;
    TarBuilder()
        .folder("./")
        .file("./entry.py", "print('hi')\n", 0755)
        .folder("./pkg/", 0750)
        .file("./pkg/__init__.py", "")
        .file("pkg/sub/deep/data.txt", "deep", 0640)
        .write_tar_gz(box.archive);

    extract_archive_safely(box.archive, box.destination);

    CHECK(read_file(box.destination / "entry.py") == "print('hi')\n");
    CHECK(mode_of(box.destination / "entry.py") == fs::perms(0755));
    CHECK(mode_of(box.destination / "pkg") == fs::perms(0750));
    CHECK(fs::is_regular_file(box.destination / "pkg/__init__.py"));
    CHECK(read_file(box.destination / "pkg/sub/deep/data.txt") == "deep");
    CHECK(mode_of(box.destination / "pkg/sub/deep/data.txt") == fs::perms(0640));
    CHECK(is_empty_folder(box.sentinel));
}

TEST_CASE("an uncompressed tar is extracted too") {
    Sandbox box;
    TarBuilder().file("train.py", "x = 1\n").write_tar(box.archive);
    extract_archive_safely(box.archive, box.destination);
    CHECK(read_file(box.destination / "train.py") == "x = 1\n");
}

TEST_CASE("in-tree relative symbolic links and hard links are kept") {
    Sandbox box;
    TarBuilder()
        .file("entry.py", "print(1)\n")
        .folder("lib")
        .symlink("lib/link", "../entry.py")
        .symlink("self", ".")
        .symlink("lib/up", "..")
        .hardlink("lib/copy.py", "./entry.py")
        .write_tar_gz(box.archive);

    extract_archive_safely(box.archive, box.destination);

    REQUIRE(fs::is_symlink(box.destination / "lib/link"));
    CHECK(fs::read_symlink(box.destination / "lib/link") == "../entry.py");
    CHECK(read_file(box.destination / "lib/link") == "print(1)\n");
    CHECK(fs::read_symlink(box.destination / "self") == ".");
    CHECK(fs::equivalent(box.destination / "lib/copy.py", box.destination / "entry.py"));
}

TEST_CASE("setuid, setgid and sticky bits are dropped") {
    Sandbox box;
    TarBuilder()
        .file("tool", "#!/bin/sh\n", 06755)
        .folder("shared", 01777)
        .write_tar_gz(box.archive);
    extract_archive_safely(box.archive, box.destination);
    CHECK(mode_of(box.destination / "tool") == fs::perms(0755));
    CHECK(mode_of(box.destination / "shared") == fs::perms(0777));
}

TEST_CASE("a read-only folder in the archive still receives its files") {
    Sandbox box;
    TarBuilder().folder("ro", 0555).file("ro/inside.py", "x\n").write_tar_gz(box.archive);
    extract_archive_safely(box.archive, box.destination);
    CHECK(read_file(box.destination / "ro/inside.py") == "x\n");
    CHECK(mode_of(box.destination / "ro") == fs::perms(0555));
}

TEST_CASE("a destination reached through a symbolic link is extracted into") {
    Sandbox box;
    fs::create_directory_symlink(box.destination, box.root / "via-link");
    TarBuilder().file("a/b.py", "b\n").write_tar_gz(box.archive);
    extract_archive_safely(box.archive, box.root / "via-link");
    CHECK(read_file(box.destination / "a/b.py") == "b\n");
}

TEST_CASE("a tar.gz made by Python's tarfile is extracted") {
    if (std::system("/usr/bin/python3 -c '' >/dev/null 2>&1") != 0) {
        WARN("/usr/bin/python3 is not available; skipped");
        return;
    }
    Sandbox box;
    const fs::path source = box.root / "source";
    write_file(source / "entry.py", "import pkg.mod\n");
    write_file(source / "pkg/mod.py", std::string(200000, 'x'));
    write_file(source / "pkg/nested/deeper/config.json", "{}");
    fs::permissions(source / "entry.py", fs::perms(0700));
    fs::create_symlink("../entry.py", source / "pkg/entry_link.py");
    const fs::path script = box.root / "make_tar.py";
    write_file(script,
               "import sys, tarfile\n"
               "with tarfile.open(sys.argv[1], 'w:gz') as tar:\n"
               "    tar.add(sys.argv[2], arcname='.')\n");
    const std::string command = "/usr/bin/python3 '" + script.string() + "' '" +
                                box.archive.string() + "' '" + source.string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);

    extract_archive_safely(box.archive, box.destination);

    CHECK(read_file(box.destination / "entry.py") == "import pkg.mod\n");
    CHECK(mode_of(box.destination / "entry.py") == fs::perms(0700));
    CHECK(read_file(box.destination / "pkg/mod.py") == std::string(200000, 'x'));
    CHECK(read_file(box.destination / "pkg/nested/deeper/config.json") == "{}");
    CHECK(fs::read_symlink(box.destination / "pkg/entry_link.py") == "../entry.py");
}

TEST_CASE("hostile paths are refused before anything is written") {
    SECTION("an absolute path") {
        Sandbox box;
        const std::string target = (box.sentinel / "x").string();
        require_rejected(box, TarBuilder().file(target, "owned"), target);
    }
    SECTION("a leading '..'") {
        require_rejected(TarBuilder().file("../sentinel/escape", "owned"), "../sentinel/escape");
    }
    SECTION("a '..' deeper in the path") {
        require_rejected(TarBuilder().file("a/../../sentinel/escape", "owned"),
                         "a/../../sentinel/escape");
    }
    SECTION("a bad entry after good ones") {
        require_rejected(TarBuilder()
                             .file("entry.py", "print(1)\n")
                             .folder("pkg")
                             .file("pkg/mod.py", "")
                             .file("../sentinel/late", "owned"),
                         "../sentinel/late");
    }
    SECTION("an entry naming the destination itself as a file") {
        require_rejected(TarBuilder().file(".", "x"), ".");
    }
}

TEST_CASE("hostile symbolic links are refused") {
    SECTION("to an absolute path") {
        require_rejected(TarBuilder().symlink("etc", "/etc"), "etc");
    }
    SECTION("climbing out") {
        require_rejected(TarBuilder().symlink("evil", "../.."), "evil");
    }
    SECTION("climbing out from a subfolder") {
        require_rejected(TarBuilder().symlink("a/b/evil", "../../../sentinel"), "a/b/evil");
    }
    SECTION("then a file written through it") {
        require_rejected(TarBuilder().symlink("out", "../sentinel").file("out/file", "owned"),
                         "out");
    }
    SECTION("to /etc then a file written through it") {
        require_rejected(TarBuilder().symlink("dir", "/etc").file("dir/passwd", "owned"), "dir");
    }
    SECTION("a file written through an in-tree link") {
        require_rejected(TarBuilder().symlink("here", ".").file("here/file", "x"), "here/file");
    }
    SECTION("escaping only through another link of the archive") {
        require_rejected(TarBuilder().symlink("q", ".").symlink("p", "q/.."), "p");
    }
    SECTION("escaping through a link that comes later") {
        require_rejected(TarBuilder().symlink("p", "q/../sentinel").symlink("q", "."), "p");
    }
    SECTION("a loop of links") {
        require_rejected(TarBuilder().symlink("a", "b").symlink("b", "a"), "a");
    }
    SECTION("replacing a folder that already has files") {
        require_rejected(TarBuilder().file("pkg/mod.py", "").symlink("pkg", "../sentinel"), "pkg");
    }
}

TEST_CASE("hostile hard links are refused") {
    SECTION("to /etc/passwd") {
        require_rejected(TarBuilder().hardlink("passwd", "/etc/passwd"), "passwd");
    }
    SECTION("to a path outside") {
        require_rejected(TarBuilder().hardlink("x", "../x"), "x");
    }
    SECTION("to a file not in the archive") {
        require_rejected(TarBuilder().hardlink("x", "missing.py"), "x");
    }
    SECTION("to a symbolic link, which would move the link's meaning") {
        require_rejected(
            TarBuilder().folder("a/b").symlink("a/b/up", "../..").hardlink("moved", "a/b/up"),
            "moved");
    }
}

TEST_CASE("special files are refused") {
    SECTION("a FIFO") {
        require_rejected(TarBuilder().file("ok.py", "").fifo("pipe"), "pipe");
    }
    SECTION("a character device") {
        require_rejected(TarBuilder().char_device("null"), "null");
    }
    SECTION("a block device") {
        require_rejected(TarBuilder().block_device("disk"), "disk");
    }
}

TEST_CASE("files that are not tar archives are reported by name") {
    Sandbox box;
    SECTION("random bytes") {
        TarBuilder::write_bytes(box.archive, "this is not an archive at all\n");
    }
    SECTION("a truncated gzip stream") {
        const std::string whole =
            TarBuilder::gzip_stored(TarBuilder().file("a.py", std::string(5000, 'a')).bytes());
        TarBuilder::write_bytes(box.archive, whole.substr(0, 3000));
    }
    SECTION("an empty file") {
        TarBuilder::write_bytes(box.archive, "");
    }
    SECTION("a zip file") {
        TarBuilder::write_bytes(box.archive, std::string("PK\x05\x06", 4) + std::string(18, '\0'));
    }
    try {
        extract_archive_safely(box.archive, box.destination);
        FAIL("extraction succeeded");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::CodeAcquisition);
        CHECK_THAT(error.what(), Contains("'" + box.archive.string() + "'"));
    }
    CHECK(is_empty_folder(box.destination));
}

TEST_CASE("a missing archive or destination is reported by name") {
    Sandbox box;
    CHECK_THROWS_WITH(extract_archive_safely(box.root / "nope.tar.gz", box.destination),
                      Contains((box.root / "nope.tar.gz").string()));
    TarBuilder().file("a.py", "").write_tar_gz(box.archive);
    CHECK_THROWS_WITH(extract_archive_safely(box.archive, box.root / "no-dest"),
                      Contains((box.root / "no-dest").string()));
}
