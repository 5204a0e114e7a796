"""What several benchmarks measure the same way: wrk's printed figures, the memory of a set of
processes, the share of the machine's CPU time that other processes took while a benchmark ran;
and the loopback HTTP they measure through."""

import http.client
import os
import re
import socket


def wrk_figures(out):
    """req/s, p50 and p99 in ms, requests, non-2xx responses and socket errors from the text
    `wrk --latency` prints; rps is None when wrk printed no figures."""
    return {"rps": _wrk_number(r"Requests/sec:\s+([\d.]+)", out),
            "p50_ms": _wrk_latency("50%", out), "p99_ms": _wrk_latency("99%", out),
            "requests": int(_wrk_number(r"(\d+) requests in", out) or 0),
            "non_2xx": int(_wrk_number(r"Non-2xx or 3xx responses:\s+(\d+)", out) or 0),
            "socket_errors": _wrk_socket_errors(out)}


def _wrk_number(pattern, text):
    match = re.search(pattern, text)
    return float(match.group(1)) if match else None


def _wrk_latency(percentile, text):
    match = re.search(rf"^\s+{re.escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not match:
        return None
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]
    return float(match.group(1)) * scale


def _wrk_socket_errors(text):
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return sum(int(n) for n in match.groups()) if match else 0


def cpu_times():
    """(busy jiffies of the machine, all jiffies, this script's and its reaped children's)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    own = os.times()
    ticks = os.sysconf("SC_CLK_TCK")
    mine = (own.user + own.system + own.children_user + own.children_system) * ticks
    return sum(fields[:8]) - idle, sum(fields[:8]), mine


def busy_share_of_others(before, after):
    """Share of all CPU time that went to processes other than the benchmark's own."""
    busy = after[0] - before[0]
    total = after[1] - before[1]
    mine = after[2] - before[2]
    return max(0.0, (busy - mine) / total) if total > 0 else 0.0


def memory_of(pids):
    """RSS and PSS in MB summed over `pids` (smaps_rollup; processes gone are skipped)."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return {"rss_mb": rss / 1024, "pss_mb": pss / 1024, "processes": len(pids)}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port, method, path, body=None, headers=None, timeout=60.0):
    """One request to 127.0.0.1:`port` on a connection of its own: (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
