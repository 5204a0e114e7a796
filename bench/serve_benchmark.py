#!/usr/bin/env python3
"""`serve` against the legacy SageMaker serving stack, measured side by side in one run.

Not part of the test suite. The baseline is the legacy reference's process model built from
Debian packages: nginx -> gunicorn -k gevent (unix socket) -> a Flask app (bench/serve_baseline/
app.py) calling the same user handler module with the reference's default codecs, as the
legacy toolkit does. Both serve the same tiny numpy linear model on 127.0.0.1.

    apt-get install -y nginx gunicorn python3-gevent python3-flask wrk python3-numpy
    /usr/bin/python3 bench/serve_benchmark.py --serve build/bin/serve [--duration 5] \
        [--json out.json]

Without --serve (or with --baseline-only) only the baseline is measured, with no ratios.

What it measures, for each stack:
  cold start   process start -> first GET /ping 200, and -> first POST /invocations 200
               (1 worker; median of --cold-runs);
  memory       RSS and PSS summed over every process of the stack (smaps_rollup), idle after
               one request, with 1 and with 2 workers;
  throughput   wrk (2 threads, --connections) for GET /ping, a small JSON body and a 1000-row
               CSV, keep-alive and "Connection: close": requests/s, p50, p99, non-2xx count;
  large body   one POST of a 20 MiB NPY body: status and seconds;
  SIGTERM      5 requests whose handler sleeps --sleep s are in flight, then SIGTERM (the
               baseline gets what the legacy supervisor sends: SIGQUIT to nginx, SIGTERM to
               gunicorn): how many complete with 200, and how long the stack takes to exit.
Every process is started in its own session and stopped by its PID's process group; loops are
bounded by deadlines.
"""

import argparse
import http.client
import io
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from measuring import free_port, memory_of, request, wrk_figures

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PACKAGE_DIR = os.path.join(REPO, "python", "src")
BASELINE_DIR = os.path.join(REPO, "bench", "serve_baseline")
DEADLINE_S = 60.0
SMALL_JSON = b"[[1.5, 2.5]]"
CSV_ROWS = 1000
NPY_MIB = 20

HANDLER = '''
import os
import time

import numpy as np


def model_fn(model_dir):
    return np.load(os.path.join(model_dir, "weights.npy"))


def predict_fn(data, model):
    data = np.asarray(data, dtype=float)
    if data.size and data.flat[0] < 0:
        # The SIGTERM case: a negative first value asks for that many seconds of work; the
        # marker file says the request has reached the handler.
        marker = os.path.join(os.environ["BENCH_MARKER_DIR"], str(time.monotonic_ns()))
        open(marker, "w").close()
        time.sleep(-data.flat[0])
    return data @ model
'''

NGINX_CONF = """
worker_processes auto;
daemon off;
user root;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 2048; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/client_body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  upstream gunicorn {{ server unix:{tmp}/gunicorn.sock; }}
  server {{
    listen 127.0.0.1:{port} deferred;
    client_max_body_size 0;
    keepalive_timeout 5;
    proxy_read_timeout 60s;
    location ~ ^/(ping|invocations|execution-parameters) {{
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header Host $http_host;
      proxy_redirect off;
      proxy_pass http://gunicorn;
    }}
    location / {{ return 404 "{{}}"; }}
  }}
}}
"""


class BenchError(Exception):
    pass


# Stacks ------------------------------------------------------------------------------------------


class Stack:
    """One serving stack: its root processes, each in its own session."""

    name = "?"

    def __init__(self, workdir, workers):
        self.workdir = workdir
        self.workers = workers
        self.port = free_port()
        self.roots = []
        self.logs = []
        self.started_at = None

    def environment(self):
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("SAGEMAKER_", "OPTML_"))}
        env.update(
            PYTHONPATH=os.pathsep.join([os.path.join(self.workdir, "model", "code"), PACKAGE_DIR]),
            BENCH_MARKER_DIR=os.path.join(self.workdir, "markers"),
            SAGEMAKER_PROGRAM="inference.py",
        )
        return env

    def spawn(self, argv, env, label):
        log = open(os.path.join(self.workdir, f"{self.name}-{label}.log"), "ab")
        self.logs.append(log)
        process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.roots.append(process)
        return process

    def terminate(self):
        """The platform's stop: SIGTERM to the container's supervisor."""
        raise NotImplementedError

    def pids(self):
        """Every live process of the stack: the roots and all their descendants."""
        children = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as stat:
                        fields = stat.read().rsplit(")", 1)[1].split()
                    children.setdefault(int(fields[1]), []).append(int(entry))
                except (OSError, IndexError):
                    continue
        found, pending = [], [p.pid for p in self.roots if p.poll() is None]
        while pending:
            pid = pending.pop()
            found.append(pid)
            pending.extend(children.get(pid, []))
        return found

    def wait_exit(self, timeout):
        deadline = time.monotonic() + timeout
        for process in self.roots:
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                return False
        return True

    def stop(self):
        for process in self.roots:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            process.wait()
            try:  # whatever the session left behind (its group) goes too
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for log in self.logs:
            log.close()
        self.roots, self.logs = [], []

    def log_tail(self):
        text = ""
        for name in sorted(os.listdir(self.workdir)):
            if name.startswith(self.name) and name.endswith(".log"):
                with open(os.path.join(self.workdir, name), errors="replace") as log:
                    text += f"--- {name}\n" + log.read()[-2000:]
        return text


class ServeStack(Stack):
    name = "serve"

    def __init__(self, workdir, workers, serve_path):
        super().__init__(workdir, workers)
        self.serve_path = serve_path

    def start(self):
        env = self.environment()
        env.update(
            SAGEMAKER_BASE_DIR=self.workdir,
            SAGEMAKER_BIND_TO_PORT=str(self.port),
            SAGEMAKER_MODEL_SERVER_WORKERS=str(self.workers),
            # The 20 MiB case is over the default 6 MiB limit (the legacy nginx has none).
            SAGEMAKER_MAX_PAYLOAD_IN_MB="32",
            OPTML_SERVE_BIND_ADDRESS="127.0.0.1",
            OPTML_PYTHON=sys.executable,
        )
        self.started_at = time.monotonic()
        self.spawn([self.serve_path], env, "front")

    def terminate(self):
        os.kill(self.roots[0].pid, signal.SIGTERM)


class BaselineStack(Stack):
    name = "baseline"

    def start(self):
        env = self.environment()
        env["PYTHONPATH"] += os.pathsep + BASELINE_DIR
        env.update(OPTML_SERVE_MODEL_DIR=os.path.join(self.workdir, "model"),
                   OPTML_SERVE_CODE_DIR=os.path.join(self.workdir, "model", "code"))
        tmp = os.path.join(self.workdir, f"baseline-{self.port}")
        os.makedirs(tmp, exist_ok=True)
        with open(os.path.join(tmp, "nginx.conf"), "w") as conf:
            conf.write(NGINX_CONF.format(tmp=tmp, port=self.port))
        self.started_at = time.monotonic()
        self.spawn(["nginx", "-p", tmp, "-c", os.path.join(tmp, "nginx.conf")], env, "nginx")
        self.spawn([sys.executable, "-m", "gunicorn", "-k", "gevent", "--worker-connections",
                    "1000", "-w", str(self.workers), "--timeout", "60", "--log-level", "warning",
                    "-b", f"unix:{tmp}/gunicorn.sock", "app:app"], env, "gunicorn")

    def terminate(self):
        # What the legacy supervisor does on SIGTERM: graceful stops of both servers.
        os.kill(self.roots[0].pid, signal.SIGQUIT)
        os.kill(self.roots[1].pid, signal.SIGTERM)


# Measurements ------------------------------------------------------------------------------------


def poll_until_ok(stack, method, path, body=None, headers=None):
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in stack.roots):
            raise BenchError(f"{stack.name} exited during start-up:\n{stack.log_tail()}")
        try:
            status, _ = request(stack.port, method, path, body, headers, timeout=2)
            if status == 200:
                return time.monotonic()
        except OSError:
            pass
        time.sleep(0.002)
    raise BenchError(f"{stack.name}: no 200 for {method} {path} within {DEADLINE_S} s")


def cold_start(stack):
    stack.start()
    ping = poll_until_ok(stack, "GET", "/ping")
    invoke = poll_until_ok(stack, "POST", "/invocations", SMALL_JSON,
                           {"Content-Type": "application/json"})
    return ping - stack.started_at, invoke - stack.started_at


WRK_LUA = """
wrk.method = "{method}"
wrk.headers["Content-Type"] = "{content_type}"
{close}
local f = io.open("{body_path}", "rb")
wrk.body = f:read("*all")
f:close()
"""


def run_wrk(stack, case, args):
    path, body, close = case["path"], case.get("body"), case["close"]
    content_type = case.get("type")
    script = os.path.join(stack.workdir, f"wrk-{case['name']}.lua")
    lines = []
    if body is not None:
        body_path = script + ".body"
        with open(body_path, "wb") as out:
            out.write(body)
        lines.append(WRK_LUA.format(method="POST", content_type=content_type, body_path=body_path,
                                    close='wrk.headers["Connection"] = "close"' if close else ""))
    elif close:
        lines.append('wrk.headers["Connection"] = "close"')
    with open(script, "w") as out:
        out.write("\n".join(lines) + "\n")
    argv = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
            "-s", script, f"http://127.0.0.1:{stack.port}{path}"]
    result = subprocess.run(argv, capture_output=True, text=True,
                            timeout=args.duration + DEADLINE_S)
    out = result.stdout
    figures = wrk_figures(out)
    if figures["rps"] is None:
        raise BenchError(f"wrk printed no figures for {case['name']}:\n{out}\n{result.stderr}")
    return figures


def npy_body():
    import numpy as np  # only the benchmark's client needs numpy here

    rows = NPY_MIB * 1024 * 1024 // 16
    buffer = io.BytesIO()
    np.save(buffer, np.ones((rows, 2)))
    return buffer.getvalue()


def large_request(stack, body):
    started = time.monotonic()
    status, reply = request(stack.port, "POST", "/invocations", body,
                            {"Content-Type": "application/x-npy", "Accept": "application/x-npy"})
    return {"status": status, "seconds": time.monotonic() - started, "reply_bytes": len(reply)}


def sigterm_in_flight(stack, sleep_s, count=5):
    marker_dir = os.path.join(stack.workdir, "markers")
    shutil.rmtree(marker_dir, ignore_errors=True)
    os.makedirs(marker_dir)
    results = [None] * count
    sent = threading.Semaphore(0)

    def one(index):
        connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=DEADLINE_S)
        try:
            body = json.dumps([[-sleep_s, 1.0]]).encode()
            # request() returns once head and body are written: on loopback they then sit in
            # the server's socket (accepted or in its backlog), which a drain must answer.
            connection.request("POST", "/invocations", body, {"Content-Type": "application/json"})
            sent.release()
            response = connection.getresponse()
            response.read()
            results[index] = response.status
        except OSError as error:
            results[index] = f"{type(error).__name__}"
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(k,)) for k in range(count)]
    for thread in threads:
        thread.start()
    # In flight: every request is fully sent and the first handler has started (the others
    # are queued or running). Signalling earlier would measure requests that were never sent.
    deadline = time.monotonic() + DEADLINE_S
    for _ in range(count):
        if not sent.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise BenchError(f"{stack.name}: not all {count} requests were sent within "
                             f"{DEADLINE_S} s")
    while not os.listdir(marker_dir):
        if time.monotonic() > deadline:
            raise BenchError(f"{stack.name}: no handler started within {DEADLINE_S} s")
        time.sleep(0.005)
    stack.terminate()
    stopped_at = time.monotonic()
    exited = stack.wait_exit(DEADLINE_S)
    exit_s = time.monotonic() - stopped_at
    for thread in threads:
        thread.join(DEADLINE_S)
    return {"completed_200": sum(1 for r in results if r == 200), "sent": count,
            "results": results, "exit_s": exit_s if exited else None}


# The run -----------------------------------------------------------------------------------------


def make_workdir():
    workdir = tempfile.mkdtemp(prefix="serve-bench-")
    code = os.path.join(workdir, "model", "code")
    os.makedirs(code)
    os.makedirs(os.path.join(workdir, "markers"))
    with open(os.path.join(code, "inference.py"), "w") as handler:
        handler.write(HANDLER)
    import numpy as np

    np.save(os.path.join(workdir, "model", "weights.npy"), np.array([1.0, 2.0]))
    return workdir


def wrk_cases():
    csv = "\n".join(f"{i},{i + 1}" for i in range(CSV_ROWS)).encode()
    cases = []
    for close in (False, True):
        suffix = "close" if close else "keepalive"
        cases += [
            {"name": f"ping-{suffix}", "path": "/ping", "close": close},
            {"name": f"json-{suffix}", "path": "/invocations", "body": SMALL_JSON,
             "type": "application/json", "close": close},
            {"name": f"csv1000-{suffix}", "path": "/invocations", "body": csv,
             "type": "text/csv", "close": close},
        ]
    return cases


def measure(make_stack, args, npy):
    figures = {}
    cold = []
    for _ in range(args.cold_runs):
        stack = make_stack(1)
        try:
            cold.append(cold_start(stack))
        finally:
            stack.stop()
    figures["cold_ping_s"] = statistics.median(c[0] for c in cold)
    figures["cold_invocations_s"] = statistics.median(c[1] for c in cold)
    for workers in (1, 2):
        stack = make_stack(workers)
        try:
            cold_start(stack)
            deadline = time.monotonic() + args.idle_s
            while time.monotonic() < deadline:  # let start-up work settle
                time.sleep(0.1)
            figures[f"memory_{workers}w"] = memory_of(stack.pids())
            if workers == args.workers:
                for case in wrk_cases():
                    figures[f"wrk_{case['name']}"] = run_wrk(stack, case, args)
                figures["npy_20mib"] = large_request(stack, npy)
                figures["sigterm"] = sigterm_in_flight(stack, args.sleep)
        finally:
            stack.stop()
    return figures


def ratio(a, b):
    return None if not a or not b else a / b


def report(baseline, serve):
    rows = []

    def row(label, key_path, better, target=None):
        def get(figures):
            value = figures
            for key in key_path:
                value = value.get(key) if isinstance(value, dict) else None
            return value
        b = get(baseline)
        s = get(serve) if serve else None
        if better == "lower":
            r = ratio(b, s)  # how many times smaller serve's figure is
        elif better == "higher":
            r = ratio(s, b)  # how many times larger serve's figure is
        else:
            r = None  # a count or a status: compared by eye
        rows.append((label, b, s, r, target))

    row("cold start to /ping 200 (s)", ["cold_ping_s"], "lower", "x5 lower")
    row("cold start to /invocations 200 (s)", ["cold_invocations_s"], "lower")
    for workers in (1, 2):
        row(f"idle RSS, {workers} worker(s) (MB)", [f"memory_{workers}w", "rss_mb"], "lower")
        row(f"idle PSS, {workers} worker(s) (MB)", [f"memory_{workers}w", "pss_mb"], "lower",
            "x3 lower" if workers == 2 else None)
    for case in wrk_cases():
        name = case["name"]
        targets = {"json-keepalive": ("x4", "x4 lower"), "csv1000-keepalive": ("x1.5", None)}
        rps_target, p99_target = targets.get(name, (None, None))
        row(f"{name}: req/s", [f"wrk_{name}", "rps"], "higher", rps_target)
        row(f"{name}: p50 (ms)", [f"wrk_{name}", "p50_ms"], "lower")
        row(f"{name}: p99 (ms)", [f"wrk_{name}", "p99_ms"], "lower", p99_target)
        row(f"{name}: non-2xx", [f"wrk_{name}", "non_2xx"], "info")
    row("20 MiB NPY: status", ["npy_20mib", "status"], "info")
    row("20 MiB NPY: seconds", ["npy_20mib", "seconds"], "lower")
    row("SIGTERM: in-flight completed (of 5)", ["sigterm", "completed_200"], "info", "5")
    row("SIGTERM: seconds to exit", ["sigterm", "exit_s"], "lower")

    def show(value):
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:,.3f}" if value < 100 else f"{value:,.0f}"
        return str(value)

    print(f"{'figure':44} {'baseline':>12} {'serve':>12} {'ratio':>8}  target")
    for label, b, s, r, target in rows:
        print(f"{label:44} {show(b):>12} {show(s):>12} {show(r) if r else '-':>8}  {target or ''}")
    if serve:
        ping = serve.get("wrk_ping-keepalive", {}).get("rps")
        print(f"\n/ping keep-alive target: >= 50,000 req/s; serve: {show(ping)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", help="path of the serve binary (e.g. build/bin/serve)")
    parser.add_argument("--baseline-only", action="store_true")
    parser.add_argument("--workers", type=int, default=1, help="workers for wrk/NPY/SIGTERM")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk case")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--idle-s", type=float, default=1.0)
    parser.add_argument("--sleep", type=float, default=0.5, help="handler seconds in SIGTERM case")
    parser.add_argument("--json", help="write all figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs)")
    args = parser.parse_args()
    for tool in ("nginx", "wrk"):
        if shutil.which(tool) is None:
            sys.exit(f"serve_benchmark: {tool} is not installed (see the docstring's apt-get line)")
    serve_path = None
    if args.serve and not args.baseline_only:
        serve_path = os.path.abspath(args.serve)
        if not os.access(serve_path, os.X_OK):
            sys.exit(f"serve_benchmark: --serve {args.serve} is not an executable file")
    workdir = make_workdir()
    npy = npy_body()
    load_before = os.getloadavg()[0]
    try:
        print(f"baseline: nginx -> gunicorn -k gevent -> Flask; work dir {workdir}", flush=True)
        baseline = measure(lambda n: BaselineStack(workdir, n), args, npy)
        serve = None
        if serve_path:
            print(f"serve: {serve_path}", flush=True)
            serve = measure(lambda n: ServeStack(workdir, n, serve_path), args, npy)
        report(baseline, serve)
        load_after = os.getloadavg()[0]
        cpus = os.cpu_count() or 1
        print(f"\nload average (1 min) before/after: {load_before:.1f} / {load_after:.1f} "
              f"on {cpus} CPUs")
        if max(load_before, load_after) > cpus:
            print("warning: other work kept the machine busy; absolute figures are inflated, "
                  "ratios (both stacks measured in this run) are the meaningful part")
        if args.json:
            with open(args.json, "w") as out:
                json.dump({"baseline": baseline, "serve": serve, "args": vars(args)}, out,
                          indent=2)
    except BenchError as error:
        sys.exit(f"serve_benchmark: {error}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
