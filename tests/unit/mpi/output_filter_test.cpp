#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "toolkit/mpi/output_filter.hpp"
#include "toolkit/mpi/tag.hpp"

using optml::mpi::MpiOutputFilter;
using optml::mpi::parse_mpi_tag;
using optml::mpi::rank_host_announcement;
using optml::mpi::RankHosts;
using optml::mpi::RankId;
using Clock = MpiOutputFilter::Clock;

namespace {

std::string rewrite_all(MpiOutputFilter& filter, const std::vector<std::string>& lines) {
    std::string out;
    for (const std::string& line : lines) filter.rewrite(line, out);
    return out;
}

// A filter that already knows ranks 0-2 on algo-1, algo-2, algo-3.
MpiOutputFilter announced_filter() {
    MpiOutputFilter filter;
    const std::string out =
        rewrite_all(filter, {"[1,0]<stdout>:" + rank_host_announcement("algo-1"),
                             "[1,1]<stdout>:" + rank_host_announcement("algo-2"),
                             "[1,2]<stdout>:" + rank_host_announcement("algo-3")});
    REQUIRE(out.empty());
    return filter;
}

std::string release_all(MpiOutputFilter& filter) {
    std::string out;
    filter.release(Clock::time_point::max(), out);
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

TEST_CASE("mpi output: announcements set the host of each rank's lines") {
    MpiOutputFilter filter;
    const std::string out = rewrite_all(
        filter, {"[1,0]<stdout>:" + rank_host_announcement("algo-1"),
                 "[1,2]<stdout>:" + rank_host_announcement("algo-3"), "[1,0]<stdout>:loss 0.5\n",
                 "[1,2]<stdout>:loss 0.4\n", "[1,1]<stdout>:not announced yet\n",
                 " Data for JOB [64744,1] offset 0\n"});
    CHECK(out ==
          "[algo-1][1,0]<stdout>:loss 0.5\n"
          "[algo-3][1,2]<stdout>:loss 0.4\n"
          "[1,1]<stdout>:not announced yet\n"
          " Data for JOB [64744,1] offset 0\n");
    CHECK(filter.hosts() == RankHosts{{{1, 0}, "algo-1"}, {{1, 2}, "algo-3"}});
    CHECK_FALSE(filter.held_since());
}

TEST_CASE("mpi output: a line mpirun split is written once, whole") {
    MpiOutputFilter filter = announced_filter();
    std::string out;
    // The same rank's next chunk right after the first.
    filter.rewrite("[1,0]<stdout>:loss=0.[1,0]<stdout>:25\n", out);
    CHECK(out == "[algo-1][1,0]<stdout>:loss=0.25\n");
    // Other ranks' chunks in between: they come out first, the split line when it ends.
    out.clear();
    filter.rewrite("[1,0]<stdout>:epoch 1 lo[1,1]<stdout>:a\n", out);
    CHECK(out == "[algo-2][1,1]<stdout>:a\n");
    REQUIRE(filter.held_since());
    filter.rewrite("[1,2]<stdout>:b\n", out);
    filter.rewrite("[1,0]<stdout>:ss 3\n", out);
    CHECK(out ==
          "[algo-2][1,1]<stdout>:a\n"
          "[algo-3][1,2]<stdout>:b\n"
          "[algo-1][1,0]<stdout>:epoch 1 loss 3\n");
    CHECK_FALSE(filter.held_since());
}

TEST_CASE("mpi output: a piece of a line continues in the next call") {
    // The relay passes a partial line on after a while: its untagged continuation is the same
    // rank's, until mpirun's next tag.
    MpiOutputFilter filter = announced_filter();
    std::string out;
    filter.rewrite("[1,1]<stdout>:step 10", out);
    filter.rewrite("0 done\n", out);
    CHECK(out == "[algo-2][1,1]<stdout>:step 100 done\n");
    out.clear();
    filter.rewrite("[1,1]<stdout>:a", out);
    filter.rewrite("b", out);
    filter.rewrite("c[1,2]<stdout>:z\n", out);
    filter.rewrite("mpirun notice\n", out);
    CHECK(out == "[algo-3][1,2]<stdout>:z\nmpirun notice\n");
    CHECK(release_all(filter) == "[algo-2][1,1]<stdout>:abc");
}

TEST_CASE("mpi output: held parts are released by age") {
    MpiOutputFilter filter = announced_filter();
    std::string out;
    const Clock::time_point before = Clock::now();
    filter.rewrite("[1,0]<stdout>: 10%\r", out);
    CHECK(out.empty());
    const auto since = filter.held_since();
    REQUIRE(since);
    CHECK(*since >= before);
    filter.release(before, out);  // held after the cutoff: stays
    CHECK(out.empty());
    filter.release(*since, out);
    CHECK(out == "[algo-1][1,0]<stdout>: 10%\r");
    CHECK_FALSE(filter.held_since());
    // What comes after a release is a new part behind its own tag.
    out.clear();
    filter.rewrite("[1,0]<stdout>: 20%\r", out);
    filter.rewrite("[1,0]<stdout>:\n", out);
    CHECK(out == "[algo-1][1,0]<stdout>: 20%\r\n");
}

TEST_CASE("mpi output: a part grows to longest_held_line at most") {
    MpiOutputFilter filter = announced_filter();
    std::string out;
    const std::string chunk(4096, 'x');
    std::size_t written = 0;
    while (out.empty()) {
        filter.rewrite("[1,2]<stdout>:" + chunk, out);
        written += chunk.size();
        REQUIRE(written <= optml::process::longest_held_line + chunk.size());
    }
    CHECK(out == "[algo-3][1,2]<stdout>:" + std::string(written, 'x'));
    CHECK_FALSE(filter.held_since());
}

TEST_CASE("mpi output: announcements in the middle of a line and twice on one") {
    MpiOutputFilter filter;
    std::string out;
    filter.rewrite("[1,0]<stdout>:" + rank_host_announcement("algo-1"), out);
    filter.rewrite("[1,0]<stdout>:50%[1,3]<stdout>:" + rank_host_announcement("algo-4"), out);
    CHECK(out.empty());
    CHECK(filter.hosts().at({1, 3}) == "algo-4");
    filter.rewrite("[1,3]<stdout>:x\n", out);
    filter.rewrite("[1,0]<stdout>: done\n", out);
    CHECK(out == "[algo-4][1,3]<stdout>:x\n[algo-1][1,0]<stdout>:50% done\n");
}

TEST_CASE("mpi output: what is not mpirun's tag or an announcement passes unchanged") {
    MpiOutputFilter filter = announced_filter();
    const std::vector<std::string> unchanged = {
        "plain line\n",
        "[1,0] <stdout>: spaced\n",
        "array [1,0]<\n",
        "",
        "optml-rank-host not a host!\n",
        "[algo-7][1,0]<stdout>:already tagged\n",
        std::string("\0\xff[1,9]<stdout>:\x80\n", 18),
    };
    for (const std::string& line : unchanged) {
        INFO(line);
        std::string out;
        filter.rewrite(line, out);
        CHECK(out == line);
    }
    std::string out;
    filter.rewrite("[1,0]<stdout>:optml-rank-host bad host\n", out);
    CHECK(out == "[algo-1][1,0]<stdout>:optml-rank-host bad host\n");
}

TEST_CASE("mpi output: an untagged announcement is dropped") {
    // Custom options such as --output-filename leave lines untagged.
    MpiOutputFilter filter;
    CHECK(rewrite_all(filter, {rank_host_announcement("algo-2"), "text\n"}) == "text\n");
    CHECK(filter.hosts().empty());
}
