#!/usr/bin/env python3
"""`serve` as a multi-model endpoint (SAGEMAKER_MULTI_MODEL=true, issue 11), measured on 127.0.0.1.

Not part of the test suite. Needs wrk and numpy (`apt-get install -y wrk python3-numpy`); run
with Debian's Python, about 2-3 minutes on 2 cores:

    /usr/bin/python3 bench/serve_multi_model_benchmark.py --serve build/bin/serve \
        [--workers 2] [--duration 10] [--json out.json]

Every model is a folder with code/inference.py (a tiny numpy linear model: model_fn loads a
2-element weights.npy; predict_fn is `data @ weights`) and, for the eviction case, an
alloc_mb.txt that makes model_fn allocate and touch that many MB.

What it measures:
  load         on a fresh multi-model serve: POST /models -> its 200, then that model's first
               POST /models/{name}/invoke -> its 200 (median over --load-models models);
               for reference, a single-model serve's start -> its first /invocations 200;
  throughput   --models (10) loaded models, requests drawn from a Zipf popularity (--zipf-s,
               1.1) over them, addressed by X-Amzn-SageMaker-Target-Model on /invocations and
               by /models/{name}/invoke, against a single-model serve (SAGEMAKER_MULTI_MODEL
               unset, the same handler, the same SAGEMAKER_MODEL_SERVER_WORKERS) in the same
               run; wrk -t2 -c--connections, --rounds alternating rounds after a warm-up:
               req/s, p50, p99, non-2xx, and the ratio multi/single (medians over rounds);
  eviction     OPTML_SERVE_MODEL_MEMORY_MB set to fit --evict-fit models that allocate
               --alloc-mb MB each (sized from one such model's measured PSS on a budget-less
               serve); --evict-fit + 1 are loaded and invoked, one is evicted; then, per run,
               a warm invocation of a loaded model (median of --warm-invokes) against the
               invocation of the evicted model, which loads it again;
  memory       RSS and PSS (smaps_rollup) summed over serve and all its descendants, on fresh
               serves with 0, 1, 5 and 10 models loaded, then after one invocation of each
               (so each has a worker); per model = (total - total with 0) / count; plus the
               sum of GET /models/{name} memoryBytes, and a single-model serve with 1 worker
               after one invocation for comparison.
The machine's load average before the run and the share of CPU time other processes took
during each part (from /proc/stat, less this script's and its reaped children's time: serve is
stopped with SIGTERM so that it reaps its workers) are printed; above 15 % a warning says so.
Every process is started in its own session; serve gets SIGTERM, then SIGKILL for its process
group and every descendant collected while it held them. Loops are bounded by deadlines.
"""

import argparse
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from measuring import (busy_share_of_others, cpu_times, free_port, memory_of, request,
                       wrk_figures)

DEADLINE_S = 60.0
SMALL_JSON = b"[[1.5, 2.5]]"
JSON_HEADERS = {"Content-Type": "application/json"}
TARGET_HEADER = "X-Amzn-SageMaker-Target-Model"
STOP_TIMEOUT_S = 10.0  # serve's own drain is bounded by OPTML_SERVE_DRAIN_TIMEOUT plus 3 s
EVICTION_WAIT_S = 10.0  # serve measures memory once a second and evicts on that measurement

HANDLER = '''
import os

import numpy as np


def model_fn(model_dir):
    alloc_path = os.path.join(model_dir, "alloc_mb.txt")
    if os.path.exists(alloc_path):
        with open(alloc_path) as alloc:
            megabytes = int(alloc.read())
        # np.ones writes every page, so the allocation is resident (and counted in PSS).
        globals()["_ballast"] = np.ones(megabytes * 1024 * 1024 // 8)
    return np.load(os.path.join(model_dir, "weights.npy"))


def predict_fn(data, model):
    return np.asarray(data, dtype=float) @ model
'''


class BenchError(Exception):
    pass


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


# Models ------------------------------------------------------------------------------------------


def make_model(folder, alloc_mb=None):
    import numpy as np  # only the benchmark's model files need numpy here

    os.makedirs(os.path.join(folder, "code"))
    with open(os.path.join(folder, "code", "inference.py"), "w") as handler:
        handler.write(HANDLER)
    np.save(os.path.join(folder, "weights.npy"), np.array([1.0, 2.0]))
    if alloc_mb:
        with open(os.path.join(folder, "alloc_mb.txt"), "w") as alloc:
            alloc.write(str(alloc_mb))
    return folder


class Models:
    """Model folders under the work dir, made on first use."""

    def __init__(self, workdir):
        self.root = os.path.join(workdir, "models")
        os.makedirs(self.root)

    def folder(self, name, alloc_mb=None):
        path = os.path.join(self.root, name)
        if not os.path.isdir(path):
            make_model(path, alloc_mb)
        return path


# serve -------------------------------------------------------------------------------------------


class Serve:
    """One serve process in its own session, multi-model or single-model."""

    def __init__(self, serve_path, workdir, label, workers, multi_model, memory_mb=None):
        self.serve_path = serve_path
        self.label = label
        self.workers = workers
        self.multi_model = multi_model
        self.memory_mb = memory_mb
        self.port = free_port()
        self.base = os.path.join(workdir, f"base-{label}-{self.port}")
        self.log_path = os.path.join(workdir, f"serve-{label}-{self.port}.log")
        self.process = None
        self.log = None
        self.started_at = None

    def start(self):
        os.makedirs(self.base)
        if not self.multi_model:
            make_model(os.path.join(self.base, "model"))
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("SAGEMAKER_", "OPTML_")) and key != "PYTHONPATH"}
        env.update(
            SAGEMAKER_BASE_DIR=self.base,
            SAGEMAKER_BIND_TO_PORT=str(self.port),
            SAGEMAKER_MODEL_SERVER_WORKERS=str(self.workers),
            OPTML_SERVE_BIND_ADDRESS="127.0.0.1",
            OPTML_PYTHON=sys.executable,
        )
        if self.multi_model:
            env["SAGEMAKER_MULTI_MODEL"] = "true"
            # 0 = no budget; unset would be 70 % of the machine, which the bench never reaches.
            env["OPTML_SERVE_MODEL_MEMORY_MB"] = str(self.memory_mb or 0)
        self.log = open(self.log_path, "ab")
        self.started_at = time.monotonic()
        self.process = subprocess.Popen([self.serve_path], env=env, stdin=subprocess.DEVNULL,
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        return self

    def wait_ping(self):
        return poll_until_ok(self, "GET", "/ping")

    def stop(self):
        if self.process is None:
            return
        # SIGTERM first: serve stops and reaps its workers, so their CPU time reaches this
        # script's children times (the share of CPU that went to other work is computed from
        # them). Workers run in process groups of their own: the tree is collected while serve
        # still holds it, for the SIGKILL fallback.
        tree = descendants(self.process.pid) if self.process.poll() is None else []
        if tree or self.process.poll() is None:
            try:
                self.process.send_signal(signal.SIGTERM)
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for pid in tree:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        self.log.close()
        self.process = None

    def pids(self):
        if self.process is None or self.process.poll() is not None:
            return []
        return [self.process.pid] + descendants(self.process.pid)

    def log_text(self):
        with open(self.log_path, errors="replace") as log:
            return log.read()

    def log_tail(self):
        return f"--- {os.path.basename(self.log_path)}\n" + self.log_text()[-3000:]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def descendants(root):
    """Every live descendant of root, by walking /proc's parent links."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError):
                continue
    found, pending = [], list(children.get(root, []))
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


# HTTP --------------------------------------------------------------------------------------------


def expect(serve, status_wanted, method, path, body=None, headers=None):
    status, reply = request(serve.port, method, path, body, headers)
    if status != status_wanted:
        raise BenchError(f"{serve.label}: {method} {path} answered {status}, not "
                         f"{status_wanted}: {reply[:300]!r}\n{serve.log_tail()}")
    return reply


def poll_until_ok(serve, method, path, body=None, headers=None):
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if serve.process.poll() is not None:
            raise BenchError(f"{serve.label}: serve exited during start-up:\n{serve.log_tail()}")
        try:
            status, _ = request(serve.port, method, path, body, headers, timeout=2)
            if status == 200:
                return time.monotonic()
        except OSError:
            pass
        time.sleep(0.002)
    raise BenchError(f"{serve.label}: no 200 for {method} {path} within {DEADLINE_S} s")


def load_model(serve, name, url):
    body = json.dumps({"model_name": name, "url": url}).encode()
    expect(serve, 200, "POST", "/models", body, JSON_HEADERS)


def invoke(serve, name):
    expect(serve, 200, "POST", f"/models/{name}/invoke", SMALL_JSON, JSON_HEADERS)


def describe(serve, name):
    return json.loads(expect(serve, 200, "GET", f"/models/{name}"))


def timed(action, *args):
    started = time.monotonic()
    action(*args)
    return time.monotonic() - started


def settle(seconds):
    """Lets start-up work and serve's once-a-second memory measurement catch up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.05)


# Load + first invoke -----------------------------------------------------------------------------


def measure_load(args, workdir, models):
    loads, firsts = [], []
    with Serve(args.serve, workdir, "load", args.workers, multi_model=True) as serve:
        serve.wait_ping()
        for index in range(args.load_models):
            name = f"load{index}"
            loads.append(timed(load_model, serve, name, models.folder(name)))
            firsts.append(timed(invoke, serve, name))
    singles = []
    for _ in range(args.cold_runs):
        with Serve(args.serve, workdir, "single-cold", 1, multi_model=False) as serve:
            invoked = poll_until_ok(serve, "POST", "/invocations", SMALL_JSON, JSON_HEADERS)
            singles.append(invoked - serve.started_at)
    return {
        "load_s": median(loads), "first_invoke_s": median(firsts),
        "load_plus_first_invoke_s": median(a + b for a, b in zip(loads, firsts)),
        "load_runs_s": loads, "first_invoke_runs_s": firsts,
        "single_model_cold_start_to_invocation_s": median(singles),
    }


# Throughput --------------------------------------------------------------------------------------


WRK_LUA = """
local names = {{{names}}}
local cdf = {{{cdf}}}
local mode = "{mode}"
local requests = {{}}
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  math.randomseed({seed} + 7919 * thread_number)
  local f = io.open("{body_path}", "rb")
  local body = f:read("*all")
  f:close()
  for i, name in ipairs(names) do
    local headers = {{["Content-Type"] = "application/json"}}
    local path = "/invocations"
    if mode == "header" then
      headers["{target_header}"] = name
    elseif mode == "path" then
      path = "/models/" .. name .. "/invoke"
    end
    requests[i] = wrk.format("POST", path, headers, body)
  end
end

-- One draw per request in every mode, so the client does the same work for both endpoints.
function request()
  local r = math.random()
  for i = 1, #cdf do
    if r <= cdf[i] then
      return requests[i]
    end
  end
  return requests[#cdf]
end
"""


def zipf_weights(count, s):
    raw = [1.0 / (k ** s) for k in range(1, count + 1)]
    total = sum(raw)
    return [w / total for w in raw]


def write_wrk_script(workdir, mode, names, weights, seed):
    body_path = os.path.join(workdir, "wrk-body.json")
    with open(body_path, "wb") as out:
        out.write(SMALL_JSON)
    cdf, running = [], 0.0
    for weight in weights:
        running += weight
        cdf.append(running)
    cdf[-1] = 1.0
    script = os.path.join(workdir, f"wrk-{mode}.lua")
    with open(script, "w") as out:
        out.write(WRK_LUA.format(names=", ".join(f'"{n}"' for n in names),
                                 cdf=", ".join(f"{c:.6f}" for c in cdf), mode=mode,
                                 seed=seed, body_path=body_path, target_header=TARGET_HEADER))
    return script


def run_wrk(port, script, duration, connections):
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script,
            f"http://127.0.0.1:{port}/"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=duration + DEADLINE_S)
    out = result.stdout
    figures = wrk_figures(out)
    if figures["rps"] is None:
        raise BenchError(f"wrk printed no figures:\n{out}\n{result.stderr}")
    return figures


def measure_throughput(args, workdir, models):
    names = [f"zipf{k}" for k in range(args.models)]
    weights = zipf_weights(args.models, args.zipf_s)
    cases = {
        "single": write_wrk_script(workdir, "single", ["model"], [1.0], args.seed),
        "multi_header": write_wrk_script(workdir, "header", names, weights, args.seed),
        "multi_path": write_wrk_script(workdir, "path", names, weights, args.seed),
    }
    single = Serve(args.serve, workdir, "single", args.workers, multi_model=False)
    multi = Serve(args.serve, workdir, "multi", args.workers, multi_model=True)
    rounds = {case: [] for case in cases}
    try:
        single.start()
        multi.start()
        multi.wait_ping()
        for name in names:
            load_model(multi, name, models.folder(name))
        poll_until_ok(single, "POST", "/invocations", SMALL_JSON, JSON_HEADERS)
        ports = {"single": single.port, "multi_header": multi.port, "multi_path": multi.port}
        # Warm-up: lazily started workers come up under load (the multi-model serve starts
        # them per model as requests wait); the warm-up's figures are dropped.
        for case, script in cases.items():
            run_wrk(ports[case], script, args.warmup, args.connections)
        for _ in range(args.rounds):
            for case, script in cases.items():
                rounds[case].append(run_wrk(ports[case], script, args.duration,
                                            args.connections))
        workers = {}
        for name in names:
            workers[name] = len(describe(multi, name).get("workers", []))
    finally:
        single.stop()
        multi.stop()
    figures = {"zipf_s": args.zipf_s, "models": args.models,
               "popularity": [round(w, 4) for w in weights], "workers_per_model_after": workers}
    for case, runs in rounds.items():
        figures[case] = {key: median(run[key] for run in runs)
                         for key in ("rps", "p50_ms", "p99_ms")}
        figures[case]["non_2xx"] = sum(run["non_2xx"] for run in runs)
        figures[case]["socket_errors"] = sum(run["socket_errors"] for run in runs)
        figures[case]["rounds"] = runs
    for case in ("multi_header", "multi_path"):
        figures[f"{case}_over_single"] = {
            key: ratio(figures[case][key], figures["single"][key])
            for key in ("rps", "p50_ms", "p99_ms")}
    return figures


def ratio(a, b):
    return None if not a or not b else a / b


# Eviction ----------------------------------------------------------------------------------------


def model_memory_bytes(serve, name, at_least, seconds):
    """GET /models/{name} memoryBytes once it reaches at_least (serve measures once a second)."""
    deadline = time.monotonic() + seconds
    value = None
    while time.monotonic() < deadline:
        value = describe(serve, name).get("memoryBytes")
        if value is None or value >= at_least:
            return value
        time.sleep(0.1)
    return value


def statuses(serve, names):
    return {name: describe(serve, name).get("status") for name in names}


def wait_for_one_evicted(serve, names):
    deadline = time.monotonic() + EVICTION_WAIT_S
    while time.monotonic() < deadline:
        evicted = [n for n, s in statuses(serve, names).items() if s == "Evicted"]
        if evicted:
            return evicted
        time.sleep(0.05)
    raise BenchError(f"eviction: no model of {names} shows \"Evicted\" within "
                     f"{EVICTION_WAIT_S} s (statuses {statuses(serve, names)})\n"
                     f"{serve.log_tail()}")


def measure_eviction(args, workdir, models):
    alloc = args.alloc_mb
    # Calibration: one allocating model, loaded and invoked once (loader + one worker), on a
    # serve without a budget; its PSS sizes the budget.
    with Serve(args.serve, workdir, "calibrate", args.workers, multi_model=True) as serve:
        serve.wait_ping()
        before = memory_of(serve.pids())["pss_mb"]
        load_model(serve, "calibrate", models.folder("calibrate", alloc))
        invoke(serve, "calibrate")
        # The reading taken right after the load counts the loader alone: wait for a reading
        # (once a second) that includes the worker the invocation started.
        settle(args.idle_s)
        reported = model_memory_bytes(serve, "calibrate", alloc * 1024 * 1024, 5.0)
        measured_mb = memory_of(serve.pids())["pss_mb"] - before
    per_model_mb = reported / (1024 * 1024) if reported else measured_mb
    budget_mb = math.ceil((args.evict_fit + 0.5) * per_model_mb)
    names = [f"big{k}" for k in range(args.evict_fit + 1)]
    warm, reload, evicted_names, fresh_loads = [], [], [], []
    with Serve(args.serve, workdir, "evict", args.workers, multi_model=True,
               memory_mb=budget_mb) as serve:
        serve.wait_ping()
        for name in names:
            first = timed(load_model, serve, name, models.folder(name, alloc))
            first += timed(invoke, serve, name)
            fresh_loads.append(first)
        for _ in range(args.evict_runs):
            evicted = wait_for_one_evicted(serve, names)
            evicted_names.append(evicted)
            loaded = [n for n in names if n not in evicted]
            warm_target = loaded[-1]
            warm.append(median(timed(invoke, serve, warm_target)
                               for _ in range(args.warm_invokes)))
            reload.append(timed(invoke, serve, evicted[0]))
        log_evictions = len(re.findall(r'evicted model "', serve.log_text()))
    return {
        "alloc_mb": alloc, "per_model_pss_mb": per_model_mb,
        "per_model_source": "memoryBytes" if reported else "/proc PSS delta",
        "calibration_proc_pss_delta_mb": measured_mb,
        "budget_mb": budget_mb, "models_fitting": args.evict_fit, "models_loaded": len(names),
        "fresh_load_plus_first_invoke_s": median(fresh_loads),
        "warm_invoke_s": median(warm), "evicted_invoke_s": median(reload),
        "evicted_over_warm": ratio(median(reload), median(warm)),
        "warm_runs_s": warm, "evicted_runs_s": reload, "evicted_each_run": evicted_names,
        "log_evicted_lines": log_evictions,
    }


# Memory ------------------------------------------------------------------------------------------


def measure_memory(args, workdir, models):
    figures = {"counts": {}}
    baseline = None
    for count in args.memory_counts:
        with Serve(args.serve, workdir, f"memory{count}", args.workers,
                   multi_model=True) as serve:
            serve.wait_ping()
            settle(args.idle_s)
            empty = memory_of(serve.pids())
            if baseline is None:
                baseline = empty
                figures["empty"] = empty
            names = [f"mem{k}" for k in range(count)]
            for name in names:
                load_model(serve, name, models.folder(name))
            settle(args.idle_s)
            loaded = memory_of(serve.pids())
            reported_loaded = sum_memory_bytes(serve, names)
            for name in names:
                invoke(serve, name)
            settle(args.idle_s)
            invoked = memory_of(serve.pids())
            reported_invoked = sum_memory_bytes(serve, names)
        row = {"empty_this_serve": empty, "loaded": loaded, "invoked": invoked,
               "memory_bytes_loaded_mb": reported_loaded,
               "memory_bytes_invoked_mb": reported_invoked}
        if count:
            for state in ("loaded", "invoked"):
                for key in ("rss_mb", "pss_mb"):
                    row[f"{state}_{key}_per_model"] = (row[state][key] - empty[key]) / count
                reported = row[f"memory_bytes_{state}_mb"]
                row[f"{state}_memory_bytes_per_model_mb"] = (
                    reported / count if reported is not None else None)
        figures["counts"][str(count)] = row
    with Serve(args.serve, workdir, "single-memory", 1, multi_model=False) as serve:
        poll_until_ok(serve, "POST", "/invocations", SMALL_JSON, JSON_HEADERS)
        settle(args.idle_s)
        figures["single_model_1_worker"] = memory_of(serve.pids())
    return figures


def sum_memory_bytes(serve, names):
    values = [describe(serve, name).get("memoryBytes") for name in names]
    if not names or any(v is None for v in values):
        return None
    return sum(values) / (1024 * 1024)


# Machine -----------------------------------------------------------------------------------------


# Report ------------------------------------------------------------------------------------------


def show(value, unit=""):
    if value is None:
        return "-"
    if isinstance(value, float):
        text = f"{value:,.3f}" if abs(value) < 100 else f"{value:,.0f}"
    else:
        text = str(value)
    return text + unit


def report(figures):
    load = figures.get("load")
    if load:
        print("\nload + first invoke (multi-model serve, median)")
        print(f"  POST /models -> 200                 {show(load['load_s'] * 1000, ' ms')}")
        print(f"  then first invoke -> 200            {show(load['first_invoke_s'] * 1000, ' ms')}")
        print(f"  together                            "
              f"{show(load['load_plus_first_invoke_s'] * 1000, ' ms')}")
        print(f"  single-model serve start -> first /invocations 200: "
              f"{show(load['single_model_cold_start_to_invocation_s'] * 1000, ' ms')}")
    throughput = figures.get("throughput")
    if throughput:
        print(f"\nthroughput: {throughput['models']} models, Zipf s={throughput['zipf_s']} "
              f"(top model {throughput['popularity'][0]:.0%} of requests), small JSON, keep-alive")
        print(f"  {'endpoint':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for case, label in (("single", "single-model /invocations"),
                            ("multi_header", "multi-model, Target-Model header"),
                            ("multi_path", "multi-model, /models/{name}/invoke")):
            row = throughput[case]
            print(f"  {label:34} {show(row['rps']):>9} {show(row['p50_ms']):>8} "
                  f"{show(row['p99_ms']):>8} {row['non_2xx'] + row['socket_errors']:>8}")
        for case in ("multi_header", "multi_path"):
            r = throughput[f"{case}_over_single"]
            print(f"  {case} / single: req/s x{show(r['rps'])}, p50 x{show(r['p50_ms'])}, "
                  f"p99 x{show(r['p99_ms'])}")
        print(f"  workers per model afterwards: {throughput['workers_per_model_after']}")
    eviction = figures.get("eviction")
    if eviction:
        print(f"\neviction: {eviction['models_loaded']} models of {eviction['alloc_mb']} MB "
              f"ballast, budget {eviction['budget_mb']} MB (fits {eviction['models_fitting']}; "
              f"per model {show(eviction['per_model_pss_mb'], ' MB')} from "
              f"{eviction['per_model_source']})")
        print(f"  warm invoke (median)                "
              f"{show(eviction['warm_invoke_s'] * 1000, ' ms')}")
        print(f"  invoke of the evicted model          "
              f"{show(eviction['evicted_invoke_s'] * 1000, ' ms')} "
              f"(x{show(eviction['evicted_over_warm'])})")
        print(f"  fresh load + first invoke           "
              f"{show(eviction['fresh_load_plus_first_invoke_s'] * 1000, ' ms')}")
        print(f"  evicted per run: {eviction['evicted_each_run']}; "
              f"'evicted model' log lines: {eviction['log_evicted_lines']}")
    memory = figures.get("memory")
    if memory:
        print("\nmemory: serve + descendants (smaps_rollup), multi-model, tiny numpy models")
        print(f"  {'models':>6} {'state':8} {'RSS MB':>8} {'PSS MB':>8} {'procs':>5} "
              f"{'RSS/model':>9} {'PSS/model':>9} {'memoryBytes/model':>17}")
        for count, row in memory["counts"].items():
            for state in ("loaded", "invoked"):
                if count == "0" and state == "invoked":
                    continue
                total = row[state]
                print(f"  {count:>6} {state:8} {show(total['rss_mb']):>8} "
                      f"{show(total['pss_mb']):>8} {total['processes']:>5} "
                      f"{show(row.get(f'{state}_rss_mb_per_model')):>9} "
                      f"{show(row.get(f'{state}_pss_mb_per_model')):>9} "
                      f"{show(row.get(f'{state}_memory_bytes_per_model_mb')):>17}")
        single = memory["single_model_1_worker"]
        print(f"  single-model serve, 1 worker, after one invoke: RSS "
              f"{show(single['rss_mb'])} MB, PSS {show(single['pss_mb'])} MB, "
              f"{single['processes']} processes")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", default="build/bin/serve", help="the serve binary")
    parser.add_argument("--workers", type=int, default=2,
                        help="SAGEMAKER_MODEL_SERVER_WORKERS for both endpoints")
    parser.add_argument("--only", choices=["load", "throughput", "eviction", "memory"],
                        action="append", help="measure only these (repeatable)")
    parser.add_argument("--load-models", type=int, default=7)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--models", type=int, default=10)
    parser.add_argument("--zipf-s", type=float, default=1.1)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk round")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of wrk warm-up")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--alloc-mb", type=int, default=100)
    parser.add_argument("--evict-fit", type=int, default=3)
    parser.add_argument("--evict-runs", type=int, default=3)
    parser.add_argument("--warm-invokes", type=int, default=20)
    parser.add_argument("--memory-counts", type=int, nargs="+", default=[0, 1, 5, 10])
    parser.add_argument("--idle-s", type=float, default=1.5,
                        help="settling time before each memory reading")
    parser.add_argument("--nice", type=int, default=0,
                        help="add this to the benchmark's nice value (inherited by serve, its "
                             "workers and wrk; as root a negative value reduces interference "
                             "from other work on the machine)")
    parser.add_argument("--json", help="write all figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("serve_multi_model_benchmark: wrk is not installed (apt-get install -y wrk)")
    args.serve = os.path.abspath(args.serve)
    if not os.access(args.serve, os.X_OK):
        sys.exit(f"serve_multi_model_benchmark: --serve {args.serve} is not an executable file")
    if args.nice:
        os.nice(args.nice)
    parts = args.only or ["load", "throughput", "eviction", "memory"]
    workdir = tempfile.mkdtemp(prefix="serve-mme-bench-")
    models = Models(workdir)
    cpus = os.cpu_count() or 1
    load_before = os.getloadavg()
    print(f"serve: {args.serve}; work dir {workdir}; load average {load_before[0]:.2f} "
          f"{load_before[1]:.2f} {load_before[2]:.2f} on {cpus} CPUs; nice {os.nice(0)}",
          flush=True)
    figures = {}
    measures = {"load": measure_load, "throughput": measure_throughput,
                "eviction": measure_eviction, "memory": measure_memory}
    machine = {"cpus": cpus, "load_average_before": load_before, "nice": os.nice(0),
               "others_busy_share": {}}
    figures["machine"] = machine
    try:
        run_before = cpu_times()
        for part in ("load", "throughput", "eviction", "memory"):
            if part in parts:
                print(f"measuring {part} ...", flush=True)
                part_before = cpu_times()
                figures[part] = measures[part](args, workdir, models)
                machine["others_busy_share"][part] = busy_share_of_others(part_before,
                                                                          cpu_times())
        others = busy_share_of_others(run_before, cpu_times())
        machine["others_busy_share"]["run"] = others
        machine["load_average_after"] = os.getloadavg()
        report(figures)
        shares = ", ".join(f"{part} {share:.0%}"
                           for part, share in machine["others_busy_share"].items())
        print(f"\nload average (1/5/15 min) before: {load_before[0]:.2f} {load_before[1]:.2f} "
              f"{load_before[2]:.2f} on {cpus} CPUs (after, with this run's own load: "
              f"{machine['load_average_after'][0]:.2f}); CPU share of other processes: {shares}")
        if others > 0.15:
            print(f"warning: other processes kept {others:.0%} of the CPUs busy during the run; "
                  "absolute figures are inflated, ratios (both endpoints measured in this run) "
                  "are the meaningful part")
        if args.json:
            with open(args.json, "w") as out:
                json.dump({"figures": figures, "args": vars(args)}, out, indent=2)
    except BenchError as error:
        sys.exit(f"serve_multi_model_benchmark: {error}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
