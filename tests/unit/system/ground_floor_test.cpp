#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <system_error>

#include "toolkit/system/own_executable.hpp"
#include "toolkit/system/temporary_path.hpp"
#include "toolkit/system/unique_fd.hpp"

using namespace optml;
namespace fs = std::filesystem;

namespace {

bool is_open(int fd) {
    return ::fcntl(fd, F_GETFD) != -1;
}

}  // namespace

TEST_CASE("UniqueFd closes its descriptor once, and not after a move or a release") {
    int raw = -1;
    {
        system::UniqueFd owner(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        REQUIRE(owner);
        raw = owner.get();
        system::UniqueFd moved = std::move(owner);
        CHECK_FALSE(owner);
        CHECK(moved.get() == raw);
        CHECK(is_open(raw));
    }
    CHECK_FALSE(is_open(raw));

    system::UniqueFd released(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    const int kept = released.release();
    CHECK_FALSE(released);
    CHECK(is_open(kept));
    system::UniqueFd reset_target;
    reset_target.reset(kept);
    reset_target.reset();
    CHECK_FALSE(is_open(kept));
}

TEST_CASE("temporary directories and files exist while owned and are gone afterwards") {
    fs::path directory;
    fs::path file;
    {
        system::TemporaryDirectory folder("optml-test-");
        directory = folder.path();
        CHECK(fs::is_directory(directory));
        CHECK(directory.filename().string().starts_with("optml-test-"));
        std::ofstream(directory / "inside") << "x";

        system::TemporaryFile archive("optml-test-", ".tar.gz");
        file = archive.path();
        CHECK(fs::is_regular_file(file));
        CHECK(file.filename().string().ends_with(".tar.gz"));
        CHECK(fs::file_size(file) == 0);
    }
    CHECK_FALSE(fs::exists(directory));
    CHECK_FALSE(fs::exists(file));
}

TEST_CASE("a temporary directory that cannot be created is a system_error") {
    CHECK_THROWS_AS(system::TemporaryDirectory("no-such-folder/optml-"), std::system_error);
}

TEST_CASE("own_executable names the running test binary") {
    std::error_code error;
    const fs::path self = system::own_executable(error);
    CHECK_FALSE(error);
    CHECK(self.is_absolute());
    CHECK(fs::is_regular_file(self));
}
