#include <catch2/catch.hpp>

#include "toolkit/errors/error.hpp"
#include "toolkit/mpi/options.hpp"

using namespace optml::mpi;
using Words = std::vector<std::string>;

namespace {

Words flatten(const std::vector<MpiOption>& options) {
    Words words;
    for (const auto& option : options)
        words.insert(words.end(), option.words.begin(), option.words.end());
    return words;
}

}  // namespace

TEST_CASE("options are grouped with their values and keyed across aliases") {
    auto options = parse_mpi_options({"-mca",
                                      "btl",
                                      "^openib",
                                      "--mca",
                                      "pml",
                                      "ob1",
                                      "-x",
                                      "A=1",
                                      "-x",
                                      "B",
                                      "--bind-to",
                                      "core",
                                      "-H",
                                      "a:2",
                                      "-n",
                                      "4",
                                      "--oversubscribe",
                                      "--unknown",
                                      "v1",
                                      "v2",
                                      "stray"},
                                     "k");
    REQUIRE(options.size() == 9);
    CHECK(options[0] == MpiOption{{"-mca", "btl", "^openib"}, "mca:btl"});
    CHECK(options[1] == MpiOption{{"--mca", "pml", "ob1"}, "mca:pml"});
    CHECK(options[2] == MpiOption{{"-x", "A=1"}, "x:A"});
    CHECK(options[3] == MpiOption{{"-x", "B"}, "x:B"});
    CHECK(options[4] == MpiOption{{"--bind-to", "core"}, "bind-to"});
    CHECK(options[5] == MpiOption{{"-H", "a:2"}, "host"});
    CHECK(options[6] == MpiOption{{"-n", "4"}, "np"});
    CHECK(options[7] == MpiOption{{"--oversubscribe"}, "oversubscribe"});
    CHECK(options[8] == MpiOption{{"--unknown", "v1", "v2", "stray"}, "unknown"});
    CHECK(exported_name(options[2]) == "A");
    CHECK(exported_name(options[4]).empty());
}

TEST_CASE("the reference's --NCCL_DEBUG becomes an exported variable") {
    CHECK(parse_mpi_options({"--NCCL_DEBUG", "WARN"}, "k") ==
          std::vector<MpiOption>{{{"-x", "NCCL_DEBUG=WARN"}, "x:NCCL_DEBUG"}});
    CHECK(parse_mpi_options({"--NCCL_DEBUG=TRACE"}, "k") ==
          std::vector<MpiOption>{{{"-x", "NCCL_DEBUG=TRACE"}, "x:NCCL_DEBUG"}});
}

TEST_CASE("a known option without its value is a configuration error") {
    for (Words bad :
         {Words{"-mca", "btl"}, Words{"-x"}, Words{"-bind-to"}, Words{"--NCCL_DEBUG"}}) {
        try {
            parse_mpi_options(bad, "sagemaker_mpi_custom_mpi_options");
            FAIL("no error");
        } catch (const optml::errors::Error& error) {
            CHECK(error.kind() == optml::errors::ErrorKind::Configuration);
            CHECK(std::string(error.what()) ==
                  "hyperparameters.json key 'sagemaker_mpi_custom_mpi_options': the option " +
                      bad.front() + " lacks its value.");
        }
    }
}

TEST_CASE("custom options replace the default with the same key in place") {
    auto defaults = parse_mpi_options({"-np", "4", "-bind-to", "none", "-mca", "btl", "^openib",
                                       "-x", "NCCL_DEBUG=INFO", "-x", "PATH", "--display-map"},
                                      "d");
    auto custom = parse_mpi_options(
        {"--bind-to", "core", "-x", "NCCL_DEBUG=WARN", "-mca", "btl", "tcp,self", "-x", "EXTRA=1",
         "-mca", "btl_tcp_eager_limit", "1", "-x", "NCCL_DEBUG=TRACE"},
        "c");
    CHECK(flatten(merge_mpi_options(defaults, custom)) ==
          Words{"-np", "4", "--bind-to", "core", "-mca", "btl", "tcp,self", "-x",
                "NCCL_DEBUG=TRACE", "-x", "PATH", "--display-map", "-x", "EXTRA=1", "-mca",
                "btl_tcp_eager_limit", "1"});
}

TEST_CASE("no custom options keep the defaults as they are") {
    auto defaults = parse_mpi_options({"-np", "4", "--tag-output"}, "d");
    CHECK(merge_mpi_options(defaults, {}) == defaults);
}
