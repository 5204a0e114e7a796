#include <catch2/catch.hpp>

#include "toolkit/launchers/mpi_failure.hpp"

using optml::launchers::describe;
using optml::launchers::find_failed_rank;
using optml::launchers::RankHosts;
using optml::launchers::untagged;

namespace {

const RankHosts kAnnounced = {{{1, 0}, "algo-1"}, {{1, 1}, "algo-2"}, {{1, 2}, "algo-3"}};

}  // namespace

TEST_CASE("mpi failure: the first rank with a Python exception, with the host of its tag") {
    const std::string tail =
        "[algo-1][1,0]<stdout>:epoch 1\n"
        "[algo-3][1,2]<stderr>:Traceback (most recent call last):\n"
        "[algo-3][1,2]<stderr>:  File \"train.py\", line 3, in <module>\n"
        "[algo-3][1,2]<stderr>:ValueError: bad shard\n"
        "[algo-2][1,1]<stderr>:RuntimeError: peer gone\n"
        "-----\nMPI_ABORT was invoked on rank 2 in communicator MPI_COMM_WORLD\n";
    auto failure = find_failed_rank(tail, {});
    REQUIRE(failure.rank == 2);
    CHECK(failure.host == "algo-3");
    CHECK(failure.error_line == "ValueError: bad shard");
    CHECK(describe(failure) == "rank 2 on algo-3: ValueError: bad shard");
}

TEST_CASE("mpi failure: a tag without a host takes the announced one") {
    auto failure = find_failed_rank("[1,1]<stderr>:KeyError: 'x'\n", kAnnounced);
    CHECK(describe(failure) == "rank 1 on algo-2: KeyError: 'x'");
    // The tag's own host wins over the table.
    auto tagged = find_failed_rank("[algo-9][1,1]<stderr>:KeyError: 'x'\n", kAnnounced);
    CHECK(tagged.host == "algo-9");
    // Another job's rank 1 is not job 1's.
    auto spawned = find_failed_rank("[2,1]<stderr>:KeyError: 'x'\n", kAnnounced);
    CHECK(describe(spawned) == "rank 1: KeyError: 'x'");
}

TEST_CASE("mpi failure: mpirun's notices name the rank when no exception was printed") {
    auto aborted = find_failed_rank(
        "[algo-2][1,1]<stderr>:giving up\nMPI_ABORT was invoked on rank 1 in communicator X\n", {});
    CHECK(describe(aborted) == "rank 1 on algo-2: giving up");
    auto exited = find_failed_rank(
        "mpirun detected that one or more processes exited with non-zero status\n"
        "  Process name: [[64744,1],0]\n  Exit code:    3\n",
        kAnnounced);
    CHECK(describe(exited) == "rank 0 on algo-1");
    auto unplaced = find_failed_rank("[1,7]<stderr>:KeyError: 'x'\n", kAnnounced);
    CHECK(describe(unplaced) == "rank 7: KeyError: 'x'");
    CHECK(describe(find_failed_rank("mpirun: command not understood\n", kAnnounced)).empty());
}

TEST_CASE("mpi failure: untagged drops the rank tags only") {
    CHECK(untagged("[1,2]<stderr>:ValueError: x\nplain [1,2] line\n[1,0]<stdout>:\n") ==
          "ValueError: x\nplain [1,2] line\n\n");
    CHECK(untagged("[algo-3][1,2]<stderr>:ValueError: x\n[algo-3] not a tag\n") ==
          "ValueError: x\n[algo-3] not a tag\n");
    CHECK(untagged("no newline at the end") == "no newline at the end");
}
