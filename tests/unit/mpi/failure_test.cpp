#include <catch2/catch.hpp>

#include "toolkit/mpi/failure.hpp"

using optml::mpi::describe;
using optml::mpi::find_failed_rank;
using optml::mpi::RankHosts;
using optml::mpi::untagged;

namespace {

const RankHosts kAnnounced = {{{1, 0}, "algo-1"}, {{1, 1}, "algo-2"}, {{1, 2}, "algo-3"}};

}  // namespace

// A traceback as rank `rank` prints it through mpirun, behind `tag`.
std::string traceback(const std::string& tag, const std::string& exception) {
    return tag + "Traceback (most recent call last):\n" + tag +
           "  File \"train.py\", line 3, in <module>\n" + tag + exception + "\n";
}

TEST_CASE("mpi failure: the first rank whose traceback ended, with the host of its tag") {
    const std::string tail = "[algo-1][1,0]<stdout>:epoch 1\n" +
                             traceback("[algo-3][1,2]<stderr>:", "ValueError: bad shard") +
                             traceback("[algo-2][1,1]<stderr>:", "RuntimeError: peer gone") +
                             "-----\nMPI_ABORT was invoked on rank 2 in communicator X\n";
    auto failure = find_failed_rank(tail, {});
    REQUIRE(failure.rank == 2);
    CHECK(failure.host == "algo-3");
    CHECK(failure.error_line == "ValueError: bad shard");
    CHECK(failure.traceback ==
          "Traceback (most recent call last):\n  File \"train.py\", line 3, in <module>\n"
          "ValueError: bad shard\n");
    CHECK(describe(failure) == "rank 2 on algo-3: ValueError: bad shard");
}

TEST_CASE("mpi failure: interleaved tracebacks stay apart, custom exceptions count") {
    const std::string tail =
        "[1,1]<stderr>:Traceback (most recent call last):\n"
        "[1,0]<stderr>:Traceback (most recent call last):\n"
        "[1,1]<stderr>:  File \"a.py\", line 1, in <module>\n"
        "[1,0]<stderr>:  File \"b.py\", line 9, in <module>\n"
        "[1,0]<stderr>:ShardMissing: shard 7\n"
        "[1,1]<stderr>:RuntimeError: peer gone\n";
    auto failure = find_failed_rank(tail, kAnnounced);
    CHECK(describe(failure) == "rank 0 on algo-1: ShardMissing: shard 7");
    CHECK(failure.traceback ==
          "Traceback (most recent call last):\n  File \"b.py\", line 9, in <module>\n"
          "ShardMissing: shard 7\n");
}

TEST_CASE("mpi failure: a tag without a host takes the announced one") {
    auto failure = find_failed_rank(traceback("[1,1]<stderr>:", "KeyError: 'x'"), kAnnounced);
    CHECK(describe(failure) == "rank 1 on algo-2: KeyError: 'x'");
    // The tag's own host wins over the table.
    auto tagged =
        find_failed_rank(traceback("[algo-9][1,1]<stderr>:", "KeyError: 'x'"), kAnnounced);
    CHECK(tagged.host == "algo-9");
    // Another job's rank 1 is not job 1's.
    auto spawned = find_failed_rank(traceback("[2,1]<stderr>:", "KeyError: 'x'"), kAnnounced);
    CHECK(describe(spawned) == "rank 1: KeyError: 'x'");
}

TEST_CASE("mpi failure: mpirun's notices name the rank when no traceback was printed") {
    // An exception's text logged without a traceback is not the failure.
    auto aborted = find_failed_rank(
        "[algo-1][1,0]<stderr>:ValueError: only a warning\n"
        "[algo-2][1,1]<stderr>:giving up\nMPI_ABORT was invoked on rank 1 in communicator X\n",
        {});
    CHECK(describe(aborted) == "rank 1 on algo-2: giving up");
    CHECK(aborted.traceback.empty());
    auto exited = find_failed_rank(
        "mpirun detected that one or more processes exited with non-zero status\n"
        "  Process name: [[64744,1],0]\n  Exit code:    3\n",
        kAnnounced);
    CHECK(describe(exited) == "rank 0 on algo-1");
    auto unplaced = find_failed_rank(traceback("[1,7]<stderr>:", "KeyError: 'x'"), kAnnounced);
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
