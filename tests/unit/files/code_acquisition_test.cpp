#include "toolkit/files/code_acquisition.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <string>

#include "tar_builder.hpp"
#include "temp_folder.hpp"
#include "toolkit/errors/error.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using optml::errors::Error;
using optml::errors::ErrorKind;
using optml::files::CodeSource;
using optml::files::testing::children_of;
using optml::files::testing::is_empty_folder;
using optml::files::testing::mode_of;
using optml::files::testing::read_file;
using optml::files::testing::TarBuilder;
using optml::files::testing::TempFolder;
using optml::files::testing::write_file;

namespace {

// No credentials and no instance metadata: nothing here may try to reach AWS.
const optml::system::EnvironmentSnapshot kOffline(optml::system::EnvironmentSnapshot::Variables{
    {"AWS_EC2_METADATA_DISABLED", "true"}, {"S3_ENDPOINT_URL", "http://127.0.0.1:9"}});

CodeSource acquire_code(const std::string& submit_directory, const fs::path& code_dir) {
    return optml::files::acquire_code(submit_directory, code_dir, kOffline);
}

std::string error_of(const std::string& submit_directory, const fs::path& code_dir) {
    try {
        acquire_code(submit_directory, code_dir);
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::CodeAcquisition);
        return error.what();
    }
    FAIL("acquire_code did not throw");
    return {};
}

}  // namespace

TEST_CASE("a submit folder is copied with modes, nested folders and links") {
    TempFolder root;
    const fs::path submit = root / "submit";
    write_file(submit / "train.py", "print('train')\n");
    write_file(submit / "lib/helpers/util.py", "X = 1\n");
    write_file(submit / "secret.cfg", "k=v\n");
    fs::create_directories(submit / "empty");
    fs::permissions(submit / "train.py", fs::perms(0755));
    fs::permissions(submit / "secret.cfg", fs::perms(0600));
    fs::permissions(submit / "lib/helpers", fs::perms(0750));
    fs::create_symlink("../train.py", submit / "lib/link.py");
    fs::create_symlink("/etc", submit / "outside");
    const fs::path code = root / "code";

    REQUIRE(acquire_code(submit.string(), code) == CodeSource::CopiedDirectory);

    CHECK(read_file(code / "train.py") == "print('train')\n");
    CHECK(mode_of(code / "train.py") == fs::perms(0755));
    CHECK(mode_of(code / "secret.cfg") == fs::perms(0600));
    CHECK(read_file(code / "lib/helpers/util.py") == "X = 1\n");
    CHECK(mode_of(code / "lib/helpers") == fs::perms(0750));
    CHECK(is_empty_folder(code / "empty"));
    REQUIRE(fs::is_symlink(code / "lib/link.py"));
    CHECK(fs::read_symlink(code / "lib/link.py") == "../train.py");
    // Copied as the link it is, never as the contents of /etc.
    REQUIRE(fs::is_symlink(code / "outside"));
    CHECK(fs::read_symlink(code / "outside") == "/etc");
    CHECK(fs::last_write_time(code / "train.py") == fs::last_write_time(submit / "train.py"));
}

TEST_CASE("a missing code dir is created, parents included") {
    TempFolder root;
    write_file(root / "submit/train.py", "x\n");
    const fs::path code = root / "opt/ml/code";
    CHECK(acquire_code((root / "submit").string(), code) == CodeSource::CopiedDirectory);
    CHECK(read_file(code / "train.py") == "x\n");
}

TEST_CASE("a code dir that already holds something is left untouched") {
    TempFolder root;
    write_file(root / "submit/train.py", "new\n");
    write_file(root / "code/train.py", "baked in\n");
    const auto before = children_of(root / "code");

    CHECK(acquire_code((root / "submit").string(), root / "code") == CodeSource::AlreadyPresent);
    CHECK(acquire_code("s3://bucket/prefix/sourcedir.tar.gz", root / "code") ==
          CodeSource::AlreadyPresent);
    CHECK(acquire_code((root / "missing").string(), root / "code") == CodeSource::AlreadyPresent);

    CHECK(children_of(root / "code") == before);
    CHECK(read_file(root / "code/train.py") == "baked in\n");
}

TEST_CASE("a submit dir that is the code dir itself is already present") {
    TempFolder root;
    fs::create_directories(root / "code");
    fs::create_directory_symlink(root / "code", root / "alias");
    CHECK(acquire_code((root / "code").string(), root / "code") == CodeSource::AlreadyPresent);
    CHECK(acquire_code((root / "alias").string() + "/./", root / "code") ==
          CodeSource::AlreadyPresent);
    CHECK(is_empty_folder(root / "code"));
}

TEST_CASE("a code dir inside the submit dir is not copied into itself") {
    TempFolder root;
    write_file(root / "ml/train.py", "x\n");
    CHECK(acquire_code((root / "ml").string(), root / "ml/code") == CodeSource::CopiedDirectory);
    CHECK(children_of(root / "ml/code") == std::vector<std::string>{"train.py"});
}

TEST_CASE("a missing submit dir is reported by name") {
    TempFolder root;
    const std::string missing = (root / "nowhere/sourcedir.tar.gz").string();
    CHECK_THAT(error_of(missing, root / "code"),
               Equals("sagemaker_submit_directory '" + missing + "' does not exist."));
    CHECK(is_empty_folder(root / "code"));
}

TEST_CASE("an s3:// submit dir that cannot be downloaded is named and leaves the code dir empty") {
    TempFolder root;
    const std::string message =
        error_of("s3://my-bucket/job/source/sourcedir.tar.gz", root / "code");
    CHECK_THAT(message, Contains("s3://my-bucket/job/source/sourcedir.tar.gz") &&
                            Contains("cannot download from s3://"));
    CHECK(is_empty_folder(root / "code"));
}

TEST_CASE("a local .tar.gz is extracted into the code dir") {
    TempFolder root;
    TarBuilder()
        .file("entry.py", "import lib.mod\n", 0755)
        .file("lib/mod.py", "")
        .symlink("lib/link", "../entry.py")
        .write_tar_gz(root / "sourcedir.tar.gz");
    REQUIRE(acquire_code((root / "sourcedir.tar.gz").string(), root / "code") ==
            CodeSource::ExtractedArchive);
    CHECK(read_file(root / "code/entry.py") == "import lib.mod\n");
    CHECK(fs::is_regular_file(root / "code/lib/mod.py"));
    CHECK(fs::read_symlink(root / "code/lib/link") == "../entry.py");
}

TEST_CASE("a hostile or broken archive leaves the code dir empty") {
    TempFolder root;
    const fs::path archive = root / "sourcedir.tar.gz";
    SECTION("hostile") {
        TarBuilder().file("entry.py", "x").symlink("up", "../..").write_tar_gz(archive);
    }
    SECTION("not an archive") {
        TarBuilder::write_bytes(archive, "#!/bin/sh\necho hi\n");
    }
    const std::string message = error_of(archive.string(), root / "code");
    CHECK_THAT(message, Contains(archive.string()));
    CHECK(is_empty_folder(root / "code"));
    CHECK(children_of(root.path()) == std::vector<std::string>{"code", "sourcedir.tar.gz"});
}

TEST_CASE("a code dir path that is a file is reported") {
    TempFolder root;
    write_file(root / "code", "not a folder");
    write_file(root / "submit/train.py", "");
    CHECK_THAT(error_of((root / "submit").string(), root / "code"),
               Contains((root / "code").string()));
}

TEST_CASE("a submit folder holding a FIFO is refused and nothing is left behind") {
    TempFolder root;
    write_file(root / "submit/a.py", "");
    write_file(root / "submit/z/b.py", "");
    REQUIRE(::mkfifo((root / "submit/z/pipe").c_str(), 0644) == 0);
    CHECK_THAT(error_of((root / "submit").string(), root / "code"),
               Contains((root / "submit/z/pipe").string()));
    CHECK(is_empty_folder(root / "code"));
}

namespace {

// A SIGTERM waiting, blocked, as train keeps it (process/stop_requests.hpp) while it copies
// or extracts. Taken or unblocked-and-dropped at scope exit so later tests start clean.
class PendingStop {
  public:
    PendingStop() {
        sigset_t terminate;
        sigemptyset(&terminate);
        sigaddset(&terminate, SIGTERM);
        REQUIRE(pthread_sigmask(SIG_BLOCK, &terminate, &previous_) == 0);
        REQUIRE(::raise(SIGTERM) == 0);
    }
    ~PendingStop() {
        sigset_t terminate;
        sigemptyset(&terminate);
        sigaddset(&terminate, SIGTERM);
        const timespec none{0, 0};
        while (sigtimedwait(&terminate, nullptr, &none) == SIGTERM) {
        }
        pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    }
    PendingStop(const PendingStop&) = delete;
    PendingStop& operator=(const PendingStop&) = delete;

  private:
    sigset_t previous_{};
};

int stop_signal_of(const std::string& submit_directory, const fs::path& code_dir) {
    try {
        acquire_code(submit_directory, code_dir);
    } catch (const optml::errors::StopRequested& stop) {
        CHECK(stop.kind() == ErrorKind::Stopped);
        CHECK_THAT(stop.what(), Contains("SIGTERM"));
        return stop.signal_number();
    }
    FAIL("acquire_code did not stop");
    return 0;
}

}  // namespace

TEST_CASE("a pending stop request ends copying and extracting, leaving the code dir empty") {
    TempFolder root;
    std::string submit;
    SECTION("copying a folder") {
        write_file(root / "submit/train.py", "print('train')\n");
        write_file(root / "submit/lib/util.py", "X = 1\n");
        submit = (root / "submit").string();
    }
    SECTION("extracting an archive") {
        TarBuilder()
            .file("train.py", "print('train')\n")
            .file("lib/util.py", "X = 1\n")
            .write_tar_gz(root / "sourcedir.tar.gz");
        submit = (root / "sourcedir.tar.gz").string();
    }
    const PendingStop stop;
    CHECK(stop_signal_of(submit, root / "code") == SIGTERM);
    CHECK(is_empty_folder(root / "code"));
}
