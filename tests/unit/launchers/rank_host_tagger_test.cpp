#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "toolkit/launchers/mpi_tag.hpp"
#include "toolkit/launchers/rank_host_tagger.hpp"

using optml::launchers::parse_mpi_tag;
using optml::launchers::rank_host_announcement;
using optml::launchers::RankHosts;
using optml::launchers::RankHostTagger;
using optml::launchers::RankId;

namespace {

std::string rewrite_all(RankHostTagger& tagger, const std::vector<std::string>& lines) {
    std::string out;
    for (const std::string& line : lines) tagger.rewrite(line, out);
    return out;
}

}  // namespace

TEST_CASE("mpi tags: the rank tag, with or without a host") {
    auto plain = parse_mpi_tag("[1,12]<stdout>:text");
    REQUIRE(plain);
    CHECK(plain->id == RankId{1, 12});
    CHECK(plain->host.empty());
    CHECK(plain->length == 15);
    auto hosted = parse_mpi_tag("[algo-2][1,3]<stddiag>:x");
    REQUIRE(hosted);
    CHECK(hosted->id == RankId{1, 3});
    CHECK(hosted->host == "algo-2");
    CHECK(hosted->length == 23);
    for (const char* text :
         {"", "[", "[1,2]", "[1,2]<stdout>", "[1,2]<>:", "[1,2]<Std>:x",
          "[a,2]<stdout>:", "[1,-2]<stdout>:", "[1 ,2]<stdout>:", "x[1,2]<stdout>:",
          "[al go][1,2]<stdout>:", "[algo-1]", "[algo-1][1,2]", "[][1,2]<stdout>:"}) {
        INFO(text);
        CHECK_FALSE(parse_mpi_tag(text));
    }
}

TEST_CASE("rank host tagger: announcements set the host of each rank's lines") {
    RankHostTagger tagger;
    const std::string out = rewrite_all(
        tagger, {"[1,0]<stdout>:" + rank_host_announcement("algo-1"),
                 "[1,2]<stdout>:" + rank_host_announcement("algo-3"), "[1,0]<stdout>:loss 0.5\n",
                 "[1,2]<stdout>:loss 0.4\n", "[1,1]<stdout>:not announced yet\n",
                 " Data for JOB [64744,1] offset 0\n"});
    CHECK(out ==
          "[algo-1][1,0]<stdout>:loss 0.5\n"
          "[algo-3][1,2]<stdout>:loss 0.4\n"
          "[1,1]<stdout>:not announced yet\n"
          " Data for JOB [64744,1] offset 0\n");
    CHECK(tagger.hosts() == RankHosts{{{1, 0}, "algo-1"}, {{1, 2}, "algo-3"}});
}

TEST_CASE("rank host tagger: tags in the middle of a line after another rank's partial write") {
    RankHostTagger tagger;
    std::string out = rewrite_all(tagger, {"[1,0]<stdout>:" + rank_host_announcement("algo-1"),
                                           "[1,1]<stdout>:" + rank_host_announcement("algo-2")});
    CHECK(out.empty());
    tagger.rewrite("[1,0]<stdout>:bpartial[1,1]<stdout>:a\n", out);
    CHECK(out == "[algo-1][1,0]<stdout>:bpartial[algo-2][1,1]<stdout>:a\n");
    out.clear();
    tagger.rewrite("[1,0]<stdout>:50%[1,3]<stdout>:" + rank_host_announcement("algo-4"), out);
    CHECK(out == "[algo-1][1,0]<stdout>:50%");
    CHECK(tagger.hosts().at({1, 3}) == "algo-4");
}

TEST_CASE("rank host tagger: what is not a tag or announcement passes unchanged") {
    RankHostTagger tagger;
    std::string announcement_output;
    tagger.rewrite("[1,0]<stdout>:" + rank_host_announcement("algo-1"), announcement_output);
    CHECK(announcement_output.empty());
    const std::vector<std::string> unchanged = {
        "plain line\n",
        "[1,0] <stdout>: spaced\n",
        "array [1,0]<\n",
        "",
        "no newline",
        "optml-rank-host not a host!\n",
        "[1,0]<stdout>:optml-rank-host bad host\n",
        "[algo-7][1,0]<stdout>:already tagged\n",
        std::string("\0\xff[1,9]<stdout>:\x80", 18),
    };
    for (const std::string& line : unchanged) {
        INFO(line);
        std::string out;
        tagger.rewrite(line, out);
        if (line.starts_with("[1,0]<stdout>:optml")) {
            CHECK(out == "[algo-1]" + line);
        } else {
            CHECK(out == line);
        }
    }
}

TEST_CASE("rank host tagger: an untagged announcement is dropped") {
    // Custom options such as --output-filename leave lines untagged.
    RankHostTagger tagger;
    CHECK(rewrite_all(tagger, {rank_host_announcement("algo-2"), "text\n"}) == "text\n");
    CHECK(tagger.hosts().empty());
}
