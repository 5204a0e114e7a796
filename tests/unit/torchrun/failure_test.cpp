#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "toolkit/torchrun/failure.hpp"
#include "torchrun_outputs.hpp"

using namespace optml::torchrun;
using namespace optml::launchers::testing;

namespace {

constexpr std::string_view kWhat = "torchrun failed on algo-2 (node 1 of 2)";

// "rank (local rank)" of each worker, to compare lists in one line.
std::vector<std::pair<long long, long long>> ranks_of(const std::vector<FailedWorker>& workers) {
    std::vector<std::pair<long long, long long>> ranks;
    for (const FailedWorker& worker : workers) {
        ranks.emplace_back(worker.rank.value_or(-1), worker.local_rank.value_or(-1));
    }
    return ranks;
}

using Ranks = std::vector<std::pair<long long, long long>>;

}  // namespace

TEST_CASE("torchrun failure: the rank's own exception, not torchrun's ChildFailedError") {
    const TorchrunFailure failure = read_torchrun_failure(kSingleRootCause);
    REQUIRE(failure.first_failed.size() == 1);
    const FailedWorker& worker = failure.first_failed.front();
    CHECK(worker.rank == 3);
    CHECK(worker.local_rank == 1);
    CHECK(worker.host == "localhost");
    CHECK(worker.exit_code == 1);
    CHECK(worker.time == "2026-11-22_03:14:14");
    CHECK(failure.error_line == "ValueError: rank 3 gave up on purpose");
    CHECK(failure.traceback ==
          "Traceback (most recent call last):\n"
          "  File \"/tmp/trcap/torch_fail.py\", line 11, in <module>\n"
          "    raise ValueError(\"rank %d gave up on purpose\" % rank)\n"
          "ValueError: rank 3 gave up on purpose\n");
    CHECK(failure.torchrun_error_line.empty());
    CHECK(describe(failure, kWhat) ==
          "torchrun failed on algo-2 (node 1 of 2) at rank 3 (local rank 1): ValueError: rank 3 "
          "gave up on purpose");
}

TEST_CASE("torchrun failure: workers torchrun stamped in the root cause's second are all named") {
    // torchrun names rank 2 although rank 3 raised: both failed within its second.
    const TorchrunFailure failure = read_torchrun_failure(kAlgo2RankRaised);
    CHECK(ranks_of(failure.first_failed) == Ranks{{2, 0}, {3, 1}});
    CHECK(failure.first_failed[0].host == "algo-2");
    CHECK(failure.error_line == "ValueError: rank 3 gave up on purpose");
    CHECK(failure.traceback ==
          "Traceback (most recent call last):\n"
          "  File \"/tmp/optml-mh-wqd__2mr/base/code/torch_fail.py\", line 11, in <module>\n"
          "    raise ValueError(\"rank %d gave up on purpose\" % rank)\n"
          "ValueError: rank 3 gave up on purpose\n");
    CHECK(describe(failure, kWhat) ==
          "torchrun failed on algo-2 (node 1 of 2) at rank 2 (local rank 0) and rank 3 (local "
          "rank 1); first error printed: ValueError: rank 3 gave up on purpose");
}

TEST_CASE("torchrun failure: a host whose ranks lost their peer shows the peer error") {
    const TorchrunFailure failure = read_torchrun_failure(kAlgo1PeersLost);
    CHECK(ranks_of(failure.first_failed) == Ranks{{0, 0}, {1, 1}});
    CHECK(failure.error_line ==
          "RuntimeError: [./gloo/transport/tcp/pair.cc:598] Connection closed by peer "
          "[10.251.33.2]:42694");
    CHECK(
        failure.traceback.starts_with("Traceback (most recent call last):\n"
                                      "  File \"/tmp/optml-mh-wqd__2mr/base/code/"
                                      "torch_fail.py\", line 12, in <module>\n"));
    CHECK(failure.traceback.ends_with("    work.wait()\n" + failure.error_line + "\n"));
}

TEST_CASE("torchrun failure: tracebacks printed over each other still give an exception") {
    const TorchrunFailure failure = read_torchrun_failure(kInterleavedPeersLost);
    CHECK(failure.error_line ==
          "RuntimeError: [./gloo/transport/tcp/pair.cc:598] Connection closed by peer "
          "[127.0.0.1]:53682");
    // From the later header, whose frames are complete before the exception.
    CHECK(failure.traceback ==
          "Traceback (most recent call last):\n"
          "  File \"/tmp/trcap/torch_fail.py\", line 12, in <module>\n"
          "    dist.barrier()\n"
          "  File \"/usr/lib/python3/dist-packages/torch/distributed/distributed_c10d.py\", line "
          "3152, in barrier\n"
          "    work.wait()\n" +
              failure.error_line + "\n");
    CHECK(ranks_of(failure.first_failed) == Ranks{{0, 0}, {1, 1}});
}

TEST_CASE("torchrun failure: another worker's same exception is not part of the message") {
    const TorchrunFailure failure = read_torchrun_failure(kByteInterleavedPeersLost);
    CHECK(failure.error_line ==
          "RuntimeError: [./gloo/transport/tcp/pair.cc:598] Connection closed by peer "
          "[10.251.151.2]:18870");
    CHECK(failure.traceback.ends_with("work.wait()\n" + failure.error_line + "\n"));

    // A different second line is the message's own, as NCCL's are.
    const TorchrunFailure nccl = read_torchrun_failure(
        "Traceback (most recent call last):\n"
        "  File \"train.py\", line 9, in <module>\n"
        "RuntimeError: NCCL error in: ProcessGroupNCCL.cpp:1191, unhandled system error\n"
        "ncclSystemError: System call (e.g. socket, malloc) or external library call failed.\n"
        "Last error:\n"
        "socket.c:538 NCCL WARN Net : Connection closed by remote peer\n"
        "RuntimeError: the next worker's\n");
    CHECK(nccl.traceback.ends_with(
        "unhandled system error\n"
        "ncclSystemError: System call (e.g. socket, malloc) or external library call failed.\n"
        "Last error:\n"
        "socket.c:538 NCCL WARN Net : Connection closed by remote peer\n"));
}

TEST_CASE("torchrun failure: a worker killed by a signal is named with its signal") {
    const TorchrunFailure failure = read_torchrun_failure(kRankKilled);
    REQUIRE(failure.first_failed.size() == 2);
    CHECK(failure.first_failed[1].exit_code == -9);
    CHECK(failure.first_failed[1].signal_name == "SIGKILL");
    CHECK(describe(failure, kWhat) ==
          "torchrun failed on algo-2 (node 1 of 2) at rank 2 (local rank 0) and rank 3 (local "
          "rank 1, killed by SIGKILL); first error printed: RuntimeError: "
          "[./gloo/transport/tcp/pair.cc:598] Connection closed by peer [127.0.0.1]:4997");

    // Without any worker traceback (only the kill), the summary alone.
    FailedWorker killed = failure.first_failed[1];
    killed.signal_name.clear();
    CHECK(describe(TorchrunFailure{{killed}, "", "", ""}, kWhat) ==
          "torchrun failed on algo-2 (node 1 of 2) at rank 3 (local rank 1, killed by signal 9).");
}

TEST_CASE("torchrun failure: a silent non-zero exit shows its exit code") {
    const TorchrunFailure failure = read_torchrun_failure(kSilentExit);
    CHECK(describe(failure, "torchrun failed on algo-1 (node 0 of 1)") ==
          "torchrun failed on algo-1 (node 0 of 1) at rank 0 (local rank 0) and rank 1 (local "
          "rank 1, exit code 3); first error printed: RuntimeError: "
          "[./gloo/transport/tcp/pair.cc:598] Connection closed by peer [127.0.0.1]:15758");
}

TEST_CASE("torchrun failure: a chained exception reports the one that ended the rank") {
    const TorchrunFailure failure = read_torchrun_failure(kChainedError);
    CHECK(failure.error_line == "RuntimeError: rank 3: no shard");
    CHECK(failure.traceback ==
          "Traceback (most recent call last):\n"
          "  File \"/tmp/trcap/torch_chain.py\", line 8, in <module>\n"
          "    {}[\"shard\"]\n"
          "    ~~^^^^^^^^^\n"
          "KeyError: 'shard'\n"
          "\n"
          "The above exception was the direct cause of the following exception:\n"
          "\n"
          "Traceback (most recent call last):\n"
          "  File \"/tmp/trcap/torch_chain.py\", line 10, in <module>\n"
          "    raise RuntimeError(\"rank %d: no shard\\nsecond line of the message\" % rank) from "
          "e\n"
          "RuntimeError: rank 3: no shard\n"
          "second line of the message\n");
}

TEST_CASE("torchrun failure: a --tee prefix says which local rank printed the error") {
    const TorchrunFailure failure = read_torchrun_failure(kTeeLocalRank);
    CHECK(ranks_of(failure.first_failed) == Ranks{{1, 1}});
    CHECK(failure.error_line == "ValueError: rank 1 gave up on purpose");
    CHECK(failure.traceback ==
          "Traceback (most recent call last):\n"
          "  File \"/tmp/trcap/one_fail.py\", line 9, in <module>\n"
          "    raise ValueError(\"rank %d gave up on purpose\" % rank)\n"
          "ValueError: rank 1 gave up on purpose\n");
}

TEST_CASE("torchrun failure: torch 2.x [rankN] prefixes keep interleaved workers apart") {
    const std::string tail =
        "[rank2]: Traceback (most recent call last):\n"
        "[rank3]: Traceback (most recent call last):\n"
        "[rank2]:   File \"/opt/ml/code/train.py\", line 12, in <module>\n"
        "[rank3]:   File \"/opt/ml/code/train.py\", line 11, in <module>\n"
        "[rank3]:     raise ValueError(\"bad shard\")\n"
        "[rank2]:     dist.barrier()\n"
        "[rank3]: ValueError: bad shard\n"
        "[rank2]: RuntimeError: Connection closed by peer\n"
        "E1122 03:18:43.123000 140 torch/distributed/elastic/multiprocessing/api.py:833] failed\n"
        "Failures:\n"
        "[1]:\n"
        "  time      : 2024-05-01_10:00:00\n"
        "  rank      : 3 (local_rank: 1)\n"
        "  exitcode  : 1 (pid: 15)\n"
        "Root Cause (first observed failure):\n"
        "[0]:\n"
        "  time      : 2024-05-01_10:00:00\n"
        "  rank      : 2 (local_rank: 0)\n"
        "  exitcode  : 1 (pid: 14)\n";
    const TorchrunFailure failure = read_torchrun_failure(tail);
    CHECK(ranks_of(failure.first_failed) == Ranks{{3, 1}});
    CHECK(failure.error_line == "ValueError: bad shard");
    CHECK(failure.traceback ==
          "Traceback (most recent call last):\n"
          "  File \"/opt/ml/code/train.py\", line 11, in <module>\n"
          "    raise ValueError(\"bad shard\")\n"
          "ValueError: bad shard\n");
    // A prefixed rank torchrun does not list is still the one that printed the error.
    const TorchrunFailure unlisted = read_torchrun_failure(
        "[rank5]: Traceback (most recent call last):\n"
        "[rank5]:   File \"x.py\", line 1\n"
        "[rank5]: KeyError: 'x'\n");
    CHECK(ranks_of(unlisted.first_failed) == Ranks{{5, -1}});
    CHECK(describe(unlisted, kWhat) ==
          "torchrun failed on algo-2 (node 1 of 2) at rank 5: KeyError: 'x'");
}

TEST_CASE("torchrun failure: torchrun's own error when no worker printed one") {
    const TorchrunFailure failure = read_torchrun_failure(kTorchrunStopped);
    CHECK(failure.first_failed.empty());
    CHECK(failure.error_line.empty());
    CHECK(failure.torchrun_error_line ==
          "torch.distributed.elastic.multiprocessing.api.SignalException: Process 30584 got "
          "signal: 15");
    CHECK(describe(failure, kWhat) ==
          "torchrun failed on algo-2 (node 1 of 2): torchrun's own error: "
          "torch.distributed.elastic.multiprocessing.api.SignalException: Process 30584 got "
          "signal: 15");
}

TEST_CASE("torchrun failure: the older table layout and a Failures block alone") {
    // The layout of torch 1.9: "Root Cause:" first, "key: value", the signal in "msg".
    const TorchrunFailure older = read_torchrun_failure(
        "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: \n"
        "***************************************\n"
        "            train.py FAILED            \n"
        "=======================================\n"
        "Root Cause:\n"
        "[0]:\n"
        "  time: 2021-08-01_12:00:01\n"
        "  rank: 5 (local_rank: 1)\n"
        "  exitcode: -6 (pid: 321)\n"
        "  error_file: <N/A>\n"
        "  msg: \"Signal 6 (SIGABRT) received by PID 321\"\n"
        "=======================================\n"
        "Other Failures:\n"
        "  <NO_OTHER_FAILURES>\n"
        "***************************************\n");
    CHECK(describe(older, kWhat) ==
          "torchrun failed on algo-2 (node 1 of 2) at rank 5 (local rank 1, killed by SIGABRT).");

    // No root cause (cut off): the earliest failures.
    const TorchrunFailure failures_only = read_torchrun_failure(
        "Failures:\n"
        "[0]:\n"
        "  time      : 2026-01-01_00:00:05\n"
        "  rank      : 4 (local_rank: 0)\n"
        "[1]:\n"
        "  time      : 2026-01-01_00:00:02\n"
        "  rank      : 5 (local_rank: 1)\n"
        "  exitcode  : 2 (pid: 9)\n"
        "------------------------------------------------------------\n"
        "Root Cause (first observed failure):\n"
        "[0]:\n"
        "  time      : 2026-01-0");
    CHECK(ranks_of(failures_only.first_failed) == Ranks{{5, 1}});
    CHECK(failures_only.first_failed[0].exit_code == 2);
}

TEST_CASE("torchrun failure: many workers failing together are summed up") {
    std::vector<FailedWorker> workers(6);
    for (int i = 0; i < 6; ++i) {
        workers[i].rank = 8 + i;
        workers[i].local_rank = i;
    }
    CHECK(describe(TorchrunFailure{workers, "", "", ""}, "torchrun failed") ==
          "torchrun failed at rank 8 (local rank 0), rank 9 (local rank 1), rank 10 (local rank "
          "2), rank 11 (local rank 3) and 2 more.");
    CHECK(describe(TorchrunFailure{}, kWhat) == "torchrun failed on algo-2 (node 1 of 2).");
}

TEST_CASE("torchrun failure: lines that only look like exceptions are not taken for one") {
    const TorchrunFailure failure = read_torchrun_failure(
        "Traceback (most recent call last):\n"
        "  File \"train.py\", line 3, in <module>\n"
        "INFO: checkpoint saved\n"
        "WARNING:torch.distributed.elastic.multiprocessing.api:Sending process 1 closing signal\n"
        "progress 40%\n"
        "    main()\n"
        "KeyboardInterrupt\n");
    CHECK(failure.error_line == "KeyboardInterrupt");
    CHECK(failure.traceback ==
          "Traceback (most recent call last):\n"
          "  File \"train.py\", line 3, in <module>\n"
          "    main()\n"
          "KeyboardInterrupt\n");
    CHECK(read_torchrun_failure("Traceback (most recent call last):\n  File \"a.py\"\nGaveUp: no\n")
              .error_line == "GaveUp: no");
}

TEST_CASE("torchrun failure: truncated tails") {
    const std::string full = kAlgo2RankRaised;
    const std::string error = "ValueError: rank 3 gave up on purpose";
    const std::size_t header = full.find("Traceback (most recent call last):");

    // Tails that start anywhere before the rank's traceback all find it.
    for (std::size_t start = 0; start <= header; ++start) {
        INFO(start);
        CHECK(read_torchrun_failure(full.substr(start)).error_line == error);
    }
    // Rank 3's header cut off: the next complete traceback, rank 2's, is the first error.
    const TorchrunFailure headless = read_torchrun_failure(full.substr(header + 1));
    CHECK(headless.error_line.starts_with("RuntimeError: "));

    // Cut inside the rank's traceback, before its exception line: nothing found, no throw.
    const std::size_t exception = full.find(error);
    const TorchrunFailure cut = read_torchrun_failure(full.substr(0, exception));
    CHECK(cut.error_line.empty());
    CHECK(cut.first_failed.empty());
    CHECK(describe(cut, kWhat) == "torchrun failed on algo-2 (node 1 of 2).");

    // Every prefix and suffix of a real output parses.
    for (std::size_t cut_at = 0; cut_at <= full.size(); ++cut_at) {
        CHECK_NOTHROW(describe(read_torchrun_failure(full.substr(0, cut_at)), kWhat));
        CHECK_NOTHROW(describe(read_torchrun_failure(full.substr(cut_at)), kWhat));
    }
}

TEST_CASE("torchrun failure: arbitrary bytes never throw") {
    const std::vector<std::string> pieces = {"Traceback (most recent call last):\n",
                                             "  File \"x\"\n",
                                             "Root Cause (first observed failure):\n",
                                             "Failures:\n",
                                             "[0]:\n",
                                             "  rank : 99999999999999999999999 (local_rank: -)\n",
                                             "  exitcode : -\n",
                                             "  traceback : Signal 9 (SIG",
                                             "[rank",
                                             "[default1]:",
                                             "]:",
                                             "ValueError: x\n",
                                             "During handling of the above exception\n",
                                             "\n",
                                             std::string("\0\xff\xfe\r\n", 5),
                                             "ChildFailedError: \n"};
    std::mt19937 random(1234);
    for (int round = 0; round < 200; ++round) {
        std::string tail;
        const int count = static_cast<int>(random() % 400);
        for (int i = 0; i < count; ++i) {
            if (random() % 4 == 0) {
                tail += static_cast<char>(random() % 256);
            } else {
                tail += pieces[random() % pieces.size()];
            }
        }
        INFO(round);
        CHECK_NOTHROW(describe(read_torchrun_failure(tail), kWhat));
    }
}
