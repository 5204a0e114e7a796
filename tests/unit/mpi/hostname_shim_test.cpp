#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "toolkit/mpi/hostname_shim.hpp"

using optml::mpi::hostname_shim_beside;
using optml::mpi::kHostnameShimName;
namespace fs = std::filesystem;

namespace {

// A directory holding a fake train, removed with its contents at the end of the test.
struct BinDirectory {
    fs::path path;

    explicit BinDirectory(const std::string& name_part) {
        std::string pattern = fs::temp_directory_path() / ("optml-shim-" + name_part + "XXXXXX");
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path = pattern;
        touch("train");
    }
    ~BinDirectory() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    void touch(const std::string& name) const { std::ofstream(path / name) << "x"; }
    fs::path train() const { return path / "train"; }
};

}  // namespace

TEST_CASE("the shim next to train is used, by its absolute path") {
    BinDirectory bin("");
    CHECK_FALSE(hostname_shim_beside(bin.train()));
    bin.touch(kHostnameShimName);
    CHECK(hostname_shim_beside(bin.train()) == (bin.path / kHostnameShimName).string());
}

TEST_CASE("no shim when LD_PRELOAD could not name it as one file") {
    for (const char* awkward : {"with space", "with:colon"}) {
        BinDirectory bin(awkward);
        bin.touch(kHostnameShimName);
        CHECK_FALSE(hostname_shim_beside(bin.train()));
    }
}

TEST_CASE("no shim for a relative train path or a directory of that name") {
    CHECK_FALSE(hostname_shim_beside("train"));
    BinDirectory bin("");
    fs::create_directory(bin.path / kHostnameShimName);
    CHECK_FALSE(hostname_shim_beside(bin.train()));
}
