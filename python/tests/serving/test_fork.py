"""Preload: the loader loads once and forks workers on the front end's command."""

import importlib.util
import json
import os
import signal

import pytest

from conftest import LINEAR_MODEL, ForkedWorker, wait_for_exit

COUNTING_MODEL = LINEAR_MODEL + """
def model_warmup_fn(model_dir, model):
    with open(os.path.join(model_dir, "loads.txt"), "a") as log:
        log.write("loaded\\n")
"""


GLIBC_INTERNAL_SIGNALS = (1 << 31) | (1 << 32)


def proc_status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return fields


def open_fds(pid):
    return {int(fd): os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}


def start_loader(launcher, source=COUNTING_MODEL, env=None):
    launcher.write(source)
    loader = launcher.start("loader", env=env)
    loader.peer.expect("hello")
    loaded = loader.peer.expect("loaded")
    return loader, loaded.header


@pytest.fixture
def forked(launcher):
    workers = []

    def fork(loader, worker_id):
        worker = ForkedWorker(loader, worker_id)
        workers.append(worker)
        return worker

    yield fork
    for worker in workers:
        worker.stop()


def test_forked_workers_share_one_load_and_answer(launcher, forked):
    loader, loaded = start_loader(launcher)
    assert loaded["fork_safe"] is True
    workers = [forked(loader, k) for k in range(2)]
    assert len({w.pid for w in workers} | {loader.pid}) == 3
    for worker in workers:
        response = worker.peer.invoke(b"[[1, 1]]", "application/json", None)
        assert response.body == b"[3.0]"
    assert (launcher.model_dir / "loads.txt").read_text() == "loaded\n"


def test_a_forked_worker_is_its_own_group_with_default_signals_under_the_subreaper(
        launcher, forked):
    loader, _ = start_loader(launcher)
    worker = forked(loader, 0)
    assert os.getpgid(worker.pid) == worker.pid
    status = proc_status(worker.pid)
    assert int(status["PPid"]) == os.getpid()  # reparented to the subreaper, not the loader
    assert int(status["SigCgt"], 16) == 0
    assert int(status["SigBlk"], 16) == 0
    # Nothing is ignored but glibc's internal signals 32 and 33, which no program may change
    # (posix_spawn sets them to ignored in the child).
    assert int(status["SigIgn"], 16) & ~GLIBC_INTERNAL_SIGNALS == 0
    assert int(proc_status(loader.pid)["SigIgn"], 16) & (1 << (signal.SIGCHLD - 1))
    # Only its own connection and pipes: the loader's connection and the received copies are
    # closed, and the loader closed its copies of the worker's descriptors.
    # (Descriptors this test process inherited from its own parent pass through; ignore them.)
    worker_fds, loader_fds = open_fds(worker.pid), open_fds(loader.pid)
    assert [fd for fd, target in worker_fds.items() if target.startswith("socket:")] == [3]
    assert [fd for fd, target in loader_fds.items() if target.startswith("socket:")] == [3]
    for fds in (worker_fds, loader_fds):
        assert str(worker.stdout_path) not in [fds[fd] for fd in fds if fd != 1]
        assert str(worker.stderr_path) not in [fds[fd] for fd in fds if fd != 2]
    assert worker_fds[1] == str(worker.stdout_path)
    assert worker_fds[2] == str(worker.stderr_path)


def test_a_forked_worker_writes_to_its_own_stdout_and_stderr(launcher, forked):
    loader, _ = start_loader(launcher, """
        import os, sys
        def model_fn(model_dir):
            return None
        def transform_fn(model, data, content_type, accept):
            print("out line")
            print("worker", os.environ["OPTML_SERVE_WORKER_ID"])
            print("err line", file=sys.stderr)
            return "ok"
        """)
    worker = forked(loader, 3)
    worker.peer.invoke(b"{}", "application/json")
    worker.peer.send({"type": "exit"})
    assert wait_for_exit(worker.pid) == 0
    worker.exit_code = 0
    assert worker.stdout() == "out line\nworker 3\n"
    assert worker.stderr() == "err line\n"
    assert "out line" not in loader.stdout()


def test_a_killed_worker_is_replaced_by_another_fork(launcher, forked):
    loader, _ = start_loader(launcher)
    first = forked(loader, 0)
    os.killpg(first.pid, signal.SIGKILL)
    assert wait_for_exit(first.pid) == -signal.SIGKILL
    first.exit_code = -signal.SIGKILL
    assert first.peer.receive() is None  # the front end sees the connection close
    second = forked(loader, 0)
    assert second.pid != first.pid
    assert second.peer.invoke(b"[2, 0]", "application/json").body == b"2.0"
    assert (launcher.model_dir / "loads.txt").read_text() == "loaded\n"


def test_a_worker_exits_when_its_connection_closes(launcher, forked):
    loader, _ = start_loader(launcher)
    worker = forked(loader, 0)
    worker.peer.sock.shutdown(2)
    assert wait_for_exit(worker.pid) == 0
    worker.exit_code = 0


def test_a_fork_command_without_three_fds_is_ignored(launcher, forked):
    loader, _ = start_loader(launcher)
    loader.peer.send({"type": "fork", "worker_id": 5})
    worker = forked(loader, 1)
    assert worker.peer.invoke(b"[1, 0]", "application/json").body == b"1.0"
    assert "fork command for worker 5 came with 0 file descriptors" in loader.stderr()


def test_the_loader_exits_0_when_the_connection_closes_and_workers_keep_running(
        launcher, forked):
    loader, _ = start_loader(launcher)
    worker = forked(loader, 0)
    loader.peer.close()
    assert loader.wait() == 0
    assert worker.peer.invoke(b"[0, 1]", "application/json").body == b"2.0"


def test_a_python_thread_left_running_makes_the_model_not_fork_safe(launcher):
    _, loaded = start_loader(launcher, """
        import threading
        stop = threading.Event()
        def model_fn(model_dir):
            threading.Thread(target=stop.wait, name="refresher", daemon=True).start()
            return None
        """)
    assert loaded["fork_safe"] is False
    assert "refresher" in loaded["reason"]


def test_live_cuda_in_torch_makes_the_model_not_fork_safe(launcher):
    # A stand-in for torch with CUDA initialized: this machine may have no GPU.
    launcher.write("""
        class cuda:
            @staticmethod
            def is_initialized():
                return True
        """, name="torch.py")
    _, loaded = start_loader(launcher, """
        import torch
        def model_fn(model_dir):
            return None
        """)
    assert loaded["fork_safe"] is False
    assert "torch has initialized CUDA" in loaded["reason"]


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
def test_real_torch_on_cpu_is_fork_safe(launcher, forked):
    # torch is not imported here: only the loader and its workers need it.
    loader, loaded = start_loader(launcher, """
        import torch
        def model_fn(model_dir):
            return torch.nn.Linear(2, 1)
        def predict_fn(data, model):
            with torch.no_grad():
                return model(torch.tensor(data, dtype=torch.float32)).numpy()
        """)
    assert loaded == {"type": "loaded", "fork_safe": True, "reason": ""}
    worker = forked(loader, 0)
    response = worker.peer.invoke(b"[[1, 2], [3, 4]]", "application/json")
    assert response.header["status"] == 200
    assert len(response.body.split(b",")) == 2


def test_descriptors_sent_with_other_frames_are_closed_by_the_loader(launcher, forked, tmp_path):
    loader, _ = start_loader(launcher)
    with open(tmp_path / "stray", "wb") as stray:
        loader.peer.send({"type": "not-fork"}, fds=[stray.fileno()])
    forked(loader, 0)  # the loader has handled the stray frame by now
    open_files = [os.readlink(f"/proc/{loader.pid}/fd/{fd}")
                  for fd in os.listdir(f"/proc/{loader.pid}/fd")]
    assert str(tmp_path / "stray") not in open_files


GC_REPORTING_MODEL = """
import gc
import json
import sys


def model_fn(model_dir):
    return {"collector_on_while_loading": gc.isenabled()}


def transform_fn(model, data, content_type, accept):
    return json.dumps({
        **model,
        "collector_on": gc.isenabled(),
        "frozen": gc.get_freeze_count(),
        "numpy_imported": "numpy" in sys.modules,
    })
"""


def test_the_collector_is_off_while_loading_frozen_before_fork_and_on_in_workers(
        launcher, forked):
    loader, _ = start_loader(launcher, source=GC_REPORTING_MODEL)
    worker = forked(loader, 0)
    state = json.loads(worker.peer.invoke(b"{}", "application/json").body)
    assert state["collector_on_while_loading"] is False
    assert state["collector_on"] is True
    assert state["frozen"] > 0  # the loader's objects stay out of the workers' collections
    # Handlers with their own codecs never import numpy.
    assert state["numpy_imported"] is False


def test_a_worker_that_loads_its_own_model_collects_after_the_load(launcher):
    launcher.write(GC_REPORTING_MODEL)
    worker = launcher.start("worker")
    worker.peer.expect("hello")
    worker.peer.expect("ready")
    state = json.loads(worker.peer.invoke(b"{}", "application/json").body)
    assert state["collector_on_while_loading"] is False
    assert state["collector_on"] is True
    assert state["frozen"] > 0
