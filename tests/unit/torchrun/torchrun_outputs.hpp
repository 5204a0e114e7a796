#pragma once

// stderr of Debian's torch 1.13 torchrun on Python 3.11, captured from real runs
// (PET_REDIRECTS=9:1,
// --max_restarts 0) of tests/multihost/payloads/torch_fail.py and variations of it.

namespace optml::launchers::testing {

// The failing host of tests/multihost/test_torch_rank_failure.py (algo-2, node 1 of 2):
// rank 3 raised, rank 2 failed in the barrier in the same second, and torchrun names rank 2.
inline constexpr const char* kAlgo2RankRaised = R"torch(WARNING:__main__:
*****************************************
Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed. 
*****************************************
Traceback (most recent call last):
  File "/tmp/optml-mh-wqd__2mr/base/code/torch_fail.py", line 11, in <module>
    raise ValueError("rank %d gave up on purpose" % rank)
ValueError: rank 3 gave up on purpose
Traceback (most recent call last):
  File "/tmp/optml-mh-wqd__2mr/base/code/torch_fail.py", line 12, in <module>
    dist.barrier()
  File "/usr/lib/python3/dist-packages/torch/distributed/distributed_c10d.py", line 3152, in barrier
    work.wait()
RuntimeError: [./gloo/transport/tcp/pair.cc:598] Connection closed by peer [10.251.33.2]:44442
ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: 1) local_rank: 0 (pid: 14) of binary: /usr/bin/python3
Traceback (most recent call last):
  File "<frozen runpy>", line 198, in _run_module_as_main
  File "<frozen runpy>", line 88, in _run_code
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 766, in <module>
    main()
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/multiprocessing/errors/__init__.py", line 346, in wrapper
    return f(*args, **kwargs)
           ^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 762, in main
    run(args)
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 753, in run
    elastic_launch(
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 132, in __call__
    return launch_agent(self._config, self._entrypoint, list(args))
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 246, in launch_agent
    raise ChildFailedError(
torch.distributed.elastic.multiprocessing.errors.ChildFailedError: 
============================================================
torch_fail.py FAILED
------------------------------------------------------------
Failures:
[1]:
  time      : 2026-11-22_03:18:43
  host      : algo-2
  rank      : 3 (local_rank: 1)
  exitcode  : 1 (pid: 15)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
------------------------------------------------------------
Root Cause (first observed failure):
[0]:
  time      : 2026-11-22_03:18:43
  host      : algo-2
  rank      : 2 (local_rank: 0)
  exitcode  : 1 (pid: 14)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
============================================================
)torch";

// The other host of the same run (algo-1, node 0 of 2): both ranks lost their peer.
inline constexpr const char* kAlgo1PeersLost = R"torch(WARNING:__main__:
*****************************************
Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed. 
*****************************************
Traceback (most recent call last):
  File "/tmp/optml-mh-wqd__2mr/base/code/torch_fail.py", line 12, in <module>
    dist.barrier()
  File "/usr/lib/python3/dist-packages/torch/distributed/distributed_c10d.py", line 3152, in barrier
    work.wait()
RuntimeError: [./gloo/transport/tcp/pair.cc:598] Connection closed by peer [10.251.33.2]:42694
Traceback (most recent call last):
  File "/tmp/optml-mh-wqd__2mr/base/code/torch_fail.py", line 12, in <module>
    dist.barrier()
  File "/usr/lib/python3/dist-packages/torch/distributed/distributed_c10d.py", line 3152, in barrier
    work.wait()
RuntimeError: [./gloo/transport/tcp/pair.cc:598] Connection closed by peer [10.251.33.2]:60056
ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: 1) local_rank: 0 (pid: 15) of binary: /usr/bin/python3
Traceback (most recent call last):
  File "<frozen runpy>", line 198, in _run_module_as_main
  File "<frozen runpy>", line 88, in _run_code
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 766, in <module>
    main()
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/multiprocessing/errors/__init__.py", line 346, in wrapper
    return f(*args, **kwargs)
           ^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 762, in main
    run(args)
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 753, in run
    elastic_launch(
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 132, in __call__
    return launch_agent(self._config, self._entrypoint, list(args))
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 246, in launch_agent
    raise ChildFailedError(
torch.distributed.elastic.multiprocessing.errors.ChildFailedError: 
============================================================
torch_fail.py FAILED
------------------------------------------------------------
Failures:
[1]:
  time      : 2026-11-22_03:18:43
  host      : algo-1
  rank      : 1 (local_rank: 1)
  exitcode  : 1 (pid: 16)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
------------------------------------------------------------
Root Cause (first observed failure):
[0]:
  time      : 2026-11-22_03:18:43
  host      : algo-1
  rank      : 0 (local_rank: 0)
  exitcode  : 1 (pid: 15)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
============================================================
)torch";

// Node 1 of 2 on loopback: rank 3 killed itself with SIGKILL.
inline constexpr const char* kRankKilled = R"torch(WARNING:__main__:
*****************************************
Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed. 
*****************************************
Traceback (most recent call last):
  File "/tmp/trcap/torch_kill.py", line 8, in <module>
    dist.barrier()
  File "/usr/lib/python3/dist-packages/torch/distributed/distributed_c10d.py", line 3152, in barrier
    work.wait()
RuntimeError: [./gloo/transport/tcp/pair.cc:598] Connection closed by peer [127.0.0.1]:4997
ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: 1) local_rank: 0 (pid: 20727) of binary: /usr/bin/python3
Traceback (most recent call last):
  File "<frozen runpy>", line 198, in _run_module_as_main
  File "<frozen runpy>", line 88, in _run_code
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 766, in <module>
    main()
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/multiprocessing/errors/__init__.py", line 346, in wrapper
    return f(*args, **kwargs)
           ^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 762, in main
    run(args)
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 753, in run
    elastic_launch(
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 132, in __call__
    return launch_agent(self._config, self._entrypoint, list(args))
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 246, in launch_agent
    raise ChildFailedError(
torch.distributed.elastic.multiprocessing.errors.ChildFailedError: 
============================================================
torch_kill.py FAILED
------------------------------------------------------------
Failures:
[1]:
  time      : 2026-11-22_03:16:03
  host      : localhost
  rank      : 3 (local_rank: 1)
  exitcode  : -9 (pid: 20728)
  error_file: <N/A>
  traceback : Signal 9 (SIGKILL) received by PID 20728
------------------------------------------------------------
Root Cause (first observed failure):
[0]:
  time      : 2026-11-22_03:16:03
  host      : localhost
  rank      : 2 (local_rank: 0)
  exitcode  : 1 (pid: 20727)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
============================================================
)torch";

// Node 1 of 2 on loopback: rank 3 raised a RuntimeError with a two-line message from a
// KeyError.
inline constexpr const char* kChainedError = R"torch(WARNING:__main__:
*****************************************
Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed. 
*****************************************
Traceback (most recent call last):
  File "/tmp/trcap/torch_chain.py", line 8, in <module>
    {}["shard"]
    ~~^^^^^^^^^
KeyError: 'shard'

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/tmp/trcap/torch_chain.py", line 10, in <module>
    raise RuntimeError("rank %d: no shard\nsecond line of the message" % rank) from e
RuntimeError: rank 3: no shard
second line of the message
Traceback (most recent call last):
  File "/tmp/trcap/torch_chain.py", line 11, in <module>
    dist.barrier()
  File "/usr/lib/python3/dist-packages/torch/distributed/distributed_c10d.py", line 3152, in barrier
    work.wait()
RuntimeError: [./gloo/transport/tcp/pair.cc:598] Connection closed by peer [127.0.0.1]:60064
ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: 1) local_rank: 0 (pid: 20823) of binary: /usr/bin/python3
Traceback (most recent call last):
  File "<frozen runpy>", line 198, in _run_module_as_main
  File "<frozen runpy>", line 88, in _run_code
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 766, in <module>
    main()
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/multiprocessing/errors/__init__.py", line 346, in wrapper
    return f(*args, **kwargs)
           ^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 762, in main
    run(args)
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 753, in run
    elastic_launch(
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 132, in __call__
    return launch_agent(self._config, self._entrypoint, list(args))
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 246, in launch_agent
    raise ChildFailedError(
torch.distributed.elastic.multiprocessing.errors.ChildFailedError: 
============================================================
torch_chain.py FAILED
------------------------------------------------------------
Failures:
[1]:
  time      : 2026-11-22_03:16:19
  host      : localhost
  rank      : 3 (local_rank: 1)
  exitcode  : 1 (pid: 20824)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
------------------------------------------------------------
Root Cause (first observed failure):
[0]:
  time      : 2026-11-22_03:16:19
  host      : localhost
  rank      : 2 (local_rank: 0)
  exitcode  : 1 (pid: 20823)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
============================================================
)torch";

// One node, torchrun with PET_TEE=2: the workers' stderr lines carry "[default<local rank>]:".
inline constexpr const char* kTeeLocalRank = R"torch(WARNING:__main__:
*****************************************
Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed. 
*****************************************
[default1]:Traceback (most recent call last):
[default1]:  File "/tmp/trcap/one_fail.py", line 9, in <module>
[default1]:    raise ValueError("rank %d gave up on purpose" % rank)
[default1]:ValueError: rank 1 gave up on purpose
[default0]:Traceback (most recent call last):
[default0]:  File "/tmp/trcap/one_fail.py", line 10, in <module>
[default0]:    dist.barrier()
[default0]:  File "/usr/lib/python3/dist-packages/torch/distributed/distributed_c10d.py", line 3152, in barrier
[default0]:    work.wait()
[default0]:RuntimeError: [./gloo/transport/tcp/pair.cc:598] Connection closed by peer [127.0.0.1]:23778
ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: 1) local_rank: 0 (pid: 30171) of binary: /usr/bin/python3
Traceback (most recent call last):
  File "<frozen runpy>", line 198, in _run_module_as_main
  File "<frozen runpy>", line 88, in _run_code
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 766, in <module>
    main()
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/multiprocessing/errors/__init__.py", line 346, in wrapper
    return f(*args, **kwargs)
           ^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 762, in main
    run(args)
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 753, in run
    elastic_launch(
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 132, in __call__
    return launch_agent(self._config, self._entrypoint, list(args))
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 246, in launch_agent
    raise ChildFailedError(
torch.distributed.elastic.multiprocessing.errors.ChildFailedError: 
============================================================
one_fail.py FAILED
------------------------------------------------------------
Failures:
[1]:
  time      : 2026-11-22_03:20:46
  host      : localhost
  rank      : 1 (local_rank: 1)
  exitcode  : 1 (pid: 30172)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
------------------------------------------------------------
Root Cause (first observed failure):
[0]:
  time      : 2026-11-22_03:20:46
  host      : localhost
  rank      : 0 (local_rank: 0)
  exitcode  : 1 (pid: 30171)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
============================================================
)torch";

// One node: local rank 1 called sys.exit(3) without printing; rank 0 failed in the barrier.
inline constexpr const char* kSilentExit = R"torch(WARNING:__main__:
*****************************************
Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed. 
*****************************************
Traceback (most recent call last):
  File "/tmp/trcap/one_fail.py", line 10, in <module>
    dist.barrier()
  File "/usr/lib/python3/dist-packages/torch/distributed/distributed_c10d.py", line 3152, in barrier
    work.wait()
RuntimeError: [./gloo/transport/tcp/pair.cc:598] Connection closed by peer [127.0.0.1]:15758
ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: 1) local_rank: 0 (pid: 30321) of binary: /usr/bin/python3
Traceback (most recent call last):
  File "<frozen runpy>", line 198, in _run_module_as_main
  File "<frozen runpy>", line 88, in _run_code
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 766, in <module>
    main()
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/multiprocessing/errors/__init__.py", line 346, in wrapper
    return f(*args, **kwargs)
           ^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 762, in main
    run(args)
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 753, in run
    elastic_launch(
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 132, in __call__
    return launch_agent(self._config, self._entrypoint, list(args))
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 246, in launch_agent
    raise ChildFailedError(
torch.distributed.elastic.multiprocessing.errors.ChildFailedError: 
============================================================
one_fail.py FAILED
------------------------------------------------------------
Failures:
[1]:
  time      : 2026-11-22_03:20:54
  host      : localhost
  rank      : 1 (local_rank: 1)
  exitcode  : 3 (pid: 30322)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
------------------------------------------------------------
Root Cause (first observed failure):
[0]:
  time      : 2026-11-22_03:20:54
  host      : localhost
  rank      : 0 (local_rank: 0)
  exitcode  : 1 (pid: 30321)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
============================================================
)torch";

// One node: torchrun received SIGTERM while its workers slept.
inline constexpr const char* kTorchrunStopped = R"torch(WARNING:__main__:
*****************************************
Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed. 
*****************************************
WARNING:torch.distributed.elastic.agent.server.api:Received 15 death signal, shutting down workers
WARNING:torch.distributed.elastic.multiprocessing.api:Sending process 30618 closing signal SIGTERM
WARNING:torch.distributed.elastic.multiprocessing.api:Sending process 30619 closing signal SIGTERM
WARNING:torch.distributed.elastic.multiprocessing.api:Sending process 30618 closing signal SIGTERM
WARNING:torch.distributed.elastic.multiprocessing.api:Sending process 30619 closing signal SIGTERM
Traceback (most recent call last):
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/agent/server/api.py", line 709, in run
    result = self._invoke_run(role)
             ^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/agent/server/api.py", line 850, in _invoke_run
    time.sleep(monitor_interval)
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/multiprocessing/api.py", line 62, in _terminate_process_handler
    raise SignalException(f"Process {os.getpid()} got signal: {sigval}", sigval=sigval)
torch.distributed.elastic.multiprocessing.api.SignalException: Process 30584 got signal: 15

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "<frozen runpy>", line 198, in _run_module_as_main
  File "<frozen runpy>", line 88, in _run_code
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 766, in <module>
    main()
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/multiprocessing/errors/__init__.py", line 346, in wrapper
    return f(*args, **kwargs)
           ^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 762, in main
    run(args)
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 753, in run
    elastic_launch(
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 132, in __call__
    return launch_agent(self._config, self._entrypoint, list(args))
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 237, in launch_agent
    result = agent.run()
             ^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/metrics/api.py", line 129, in wrapper
    result = f(*args, **kwargs)
             ^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/agent/server/api.py", line 716, in run
    self._shutdown(e.sigval)
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/agent/server/local_elastic_agent.py", line 289, in _shutdown
    self._pcontext.close(death_sig)
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/multiprocessing/api.py", line 332, in close
    self._close(death_sig=death_sig, timeout=timeout)
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/multiprocessing/api.py", line 709, in _close
    handler.proc.wait(time_to_wait)
  File "/usr/lib/python3.11/subprocess.py", line 1262, in wait
    return self._wait(timeout=timeout)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/subprocess.py", line 1991, in _wait
    time.sleep(delay)
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/multiprocessing/api.py", line 62, in _terminate_process_handler
    raise SignalException(f"Process {os.getpid()} got signal: {sigval}", sigval=sigval)
torch.distributed.elastic.multiprocessing.api.SignalException: Process 30584 got signal: 15
)torch";

// Node 0 of 2 on loopback, rank 3 raised on node 1: both local ranks lost their peer and
// their tracebacks printed over each other.
inline constexpr const char* kInterleavedPeersLost = R"torch(WARNING:__main__:
*****************************************
Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed. 
*****************************************
Traceback (most recent call last):
  File "/tmp/trcap/torch_fail.py", line 12, in <module>
    dist.barrier()
  File "/usr/lib/python3/dist-packages/torch/distributed/distributed_c10d.py", line 3152, in barrier
Traceback (most recent call last):
  File "/tmp/trcap/torch_fail.py", line 12, in <module>
    dist.barrier()
  File "/usr/lib/python3/dist-packages/torch/distributed/distributed_c10d.py", line 3152, in barrier
    work.wait()
RuntimeError: [./gloo/transport/tcp/pair.cc:598] Connection closed by peer [127.0.0.1]:53682
    work.wait()
RuntimeError: [./gloo/transport/tcp/pair.cc:598] Connection closed by peer [127.0.0.1]:39318
ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: 1) local_rank: 0 (pid: 19106) of binary: /usr/bin/python3
Traceback (most recent call last):
  File "<frozen runpy>", line 198, in _run_module_as_main
  File "<frozen runpy>", line 88, in _run_code
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 766, in <module>
    main()
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/multiprocessing/errors/__init__.py", line 346, in wrapper
    return f(*args, **kwargs)
           ^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 762, in main
    run(args)
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 753, in run
    elastic_launch(
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 132, in __call__
    return launch_agent(self._config, self._entrypoint, list(args))
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 246, in launch_agent
    raise ChildFailedError(
torch.distributed.elastic.multiprocessing.errors.ChildFailedError: 
============================================================
torch_fail.py FAILED
------------------------------------------------------------
Failures:
[1]:
  time      : 2026-11-22_03:14:14
  host      : localhost
  rank      : 1 (local_rank: 1)
  exitcode  : 1 (pid: 19107)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
------------------------------------------------------------
Root Cause (first observed failure):
[0]:
  time      : 2026-11-22_03:14:14
  host      : localhost
  rank      : 0 (local_rank: 0)
  exitcode  : 1 (pid: 19106)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
============================================================
)torch";

// Node 1 of 2 on loopback: rank 3 raised; rank 2 was still running when torchrun looked, so
// torchrun's root cause is the only failure.
inline constexpr const char* kSingleRootCause = R"torch(WARNING:__main__:
*****************************************
Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed. 
*****************************************
Traceback (most recent call last):
  File "/tmp/trcap/torch_fail.py", line 11, in <module>
    raise ValueError("rank %d gave up on purpose" % rank)
ValueError: rank 3 gave up on purpose
Traceback (most recent call last):
  File "/tmp/trcap/torch_fail.py", line 12, in <module>
    dist.barrier()
  File "/usr/lib/python3/dist-packages/torch/distributed/distributed_c10d.py", line 3152, in barrier
    work.wait()
RuntimeError: [./gloo/transport/tcp/pair.cc:598] Connection closed by peer [127.0.0.1]:9446
WARNING:torch.distributed.elastic.multiprocessing.api:Sending process 19108 closing signal SIGTERM
ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: 1) local_rank: 1 (pid: 19109) of binary: /usr/bin/python3
Traceback (most recent call last):
  File "<frozen runpy>", line 198, in _run_module_as_main
  File "<frozen runpy>", line 88, in _run_code
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 766, in <module>
    main()
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/multiprocessing/errors/__init__.py", line 346, in wrapper
    return f(*args, **kwargs)
           ^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 762, in main
    run(args)
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 753, in run
    elastic_launch(
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 132, in __call__
    return launch_agent(self._config, self._entrypoint, list(args))
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 246, in launch_agent
    raise ChildFailedError(
torch.distributed.elastic.multiprocessing.errors.ChildFailedError: 
============================================================
torch_fail.py FAILED
------------------------------------------------------------
Failures:
  <NO_OTHER_FAILURES>
------------------------------------------------------------
Root Cause (first observed failure):
[0]:
  time      : 2026-11-22_03:14:14
  host      : localhost
  rank      : 3 (local_rank: 1)
  exitcode  : 1 (pid: 19109)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
============================================================
)torch";

// algo-1 of another run of the multi-host test: its two ranks wrote the same traceback at once,
// mixed within lines.
inline constexpr const char* kByteInterleavedPeersLost = R"torch(WARNING:__main__:
*****************************************
Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed. 
*****************************************
Traceback (most recent call last):
  File "/tmp/optml-mh-4cyfz5wl/base/code/torch_fail.py", line 12, in <module>
    dist.barrier()
  File "/usr/lib/python3/dist-packages/torch/distributed/distributed_c10d.py", line 3152, in barrier
Traceback (most recent call last):
  File "/tmp/optml-mh-4cyfz5wl/base/code/torch_fail.py", line 12, in <module>
    dist.barrier()
  File "/usr/lib/python3/dist-packages/torch/distributed/distributed_c10d.py", line 3152, in barrier
        work.wait()
work.wait()
RuntimeError: [./gloo/transport/tcp/pair.cc:598] Connection closed by peer [10.251.151.2]:18870
RuntimeError: [./gloo/transport/tcp/pair.cc:598] Connection closed by peer [10.251.151.2]:45990
ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: 1) local_rank: 0 (pid: 15) of binary: /usr/bin/python3
Traceback (most recent call last):
  File "<frozen runpy>", line 198, in _run_module_as_main
  File "<frozen runpy>", line 88, in _run_code
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 766, in <module>
    main()
  File "/usr/lib/python3/dist-packages/torch/distributed/elastic/multiprocessing/errors/__init__.py", line 346, in wrapper
    return f(*args, **kwargs)
           ^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 762, in main
    run(args)
  File "/usr/lib/python3/dist-packages/torch/distributed/run.py", line 753, in run
    elastic_launch(
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 132, in __call__
    return launch_agent(self._config, self._entrypoint, list(args))
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py", line 246, in launch_agent
    raise ChildFailedError(
torch.distributed.elastic.multiprocessing.errors.ChildFailedError: 
============================================================
torch_fail.py FAILED
------------------------------------------------------------
Failures:
[1]:
  time      : 2026-11-22_03:26:51
  host      : algo-1
  rank      : 1 (local_rank: 1)
  exitcode  : 1 (pid: 16)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
------------------------------------------------------------
Root Cause (first observed failure):
[0]:
  time      : 2026-11-22_03:26:51
  host      : algo-1
  rank      : 0 (local_rank: 0)
  exitcode  : 1 (pid: 15)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
============================================================
)torch";

}  // namespace optml::launchers::testing
