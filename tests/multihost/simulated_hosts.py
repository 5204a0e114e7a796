"""Simulated SageMaker hosts on one machine, for multi-host tests.

Each host algo-N is a network namespace (eth0 on a private bridge) plus a small init process
(host_init.sh) that is PID 1 of its own UTS, mount and PID namespaces: its own hostname, a
shared hosts file over /etc/hosts, throw-away sshd/ssh configs over /etc/ssh, and its own
contents under one base dir path, so every host runs its own `train` on its own
resourceconfig.json exactly as separate containers would.

Network safety: a blackhole route for the test subnet is added in the machine's namespace
before the subnet is used and removed at teardown, so no test packet can leave the machine.
The subnet, namespace names and temp dir are unique per run (tests may run in parallel).
Teardown always runs (context manager + atexit + SIGTERM) and kills each host's init, which
makes the kernel kill everything inside that host.
"""
import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLEAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SKIP = 77  # ctest's SKIP_RETURN_CODE for these tests

REQUIRED_TOOLS = ["ip", "unshare", "nsenter", "ssh-keygen", "ssh", "/usr/sbin/sshd", "mpirun"]


def missing_requirement(python, tools=REQUIRED_TOOLS, module=("mpi4py", "python3-mpi4py")):
    """Why this machine cannot run the multi-host tests, or None. `module` is the Python
    module the test's payload needs and its Debian package, or None."""
    if os.geteuid() != 0:
        return "needs root (network, UTS, mount and PID namespaces)"
    for tool in tools:
        if shutil.which(tool, path=CLEAN_PATH) is None:
            return "needs " + tool
    if module:
        probe = subprocess.run([python, "-c", "import " + module[0]], capture_output=True)
        if probe.returncode != 0:
            return "needs %s for %s (Debian: %s)" % (module[0], python, module[1])
    probe = subprocess.run(["unshare", "--uts", "--mount", "--pid", "--fork", "true"],
                           capture_output=True)
    if probe.returncode != 0:
        return "cannot create namespaces here: " + probe.stderr.decode(errors="replace").strip()
    return None


def run(*argv, check=True):
    return subprocess.run(argv, check=check, capture_output=True, text=True,
                          env={"PATH": CLEAN_PATH}, timeout=30)


def pick_subnet():
    """A 10.251.X.0/24 no other run guards now; its blackhole route is taken atomically."""
    start = os.getpid() % 200
    for offset in range(200):
        subnet = "10.251.%d" % (20 + (start + offset) % 200)
        if run("ip", "route", "add", "blackhole", subnet + ".0/24", check=False).returncode == 0:
            return subnet
    raise RuntimeError("no free 10.251.X.0/24 test subnet")


class SimulatedHosts:
    def __init__(self, count):
        self.hosts = ["algo-%d" % i for i in range(1, count + 1)]
        self.tag = "optml%d" % os.getpid()
        self.root = tempfile.mkdtemp(prefix="optml-mh-")
        self.base = os.path.join(self.root, "base")  # same path on every host
        self.subnet = None
        self.namespaces = []
        self.inits = {}  # host -> Popen of `ip netns exec ... unshare ...`
        self.started = []  # Popen of every command run on a host
        self.torn_down = False

    # --- setup -------------------------------------------------------------------------------
    def __enter__(self):
        atexit.register(self.teardown)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            self._setup()
        except BaseException:
            self.teardown()
            raise
        return self

    def __exit__(self, *exc):
        self.teardown()
        return False

    def netns(self, host):
        return "%s-%s" % (self.tag, host)

    def address(self, host):
        return "%s.%d" % (self.subnet, self.hosts.index(host) + 1)

    def _setup(self):
        self.subnet = pick_subnet()  # the guard route comes first
        os.makedirs(self.base)
        with open(os.path.join(self.root, "empty"), "w"):
            pass
        with open(os.path.join(self.root, "hosts"), "w") as f:
            f.write("127.0.0.1 localhost\n")
            for host in self.hosts:
                f.write("%s %s\n" % (self.address(host), host))
        self._write_ssh_material()
        switch = self.netns("switch")
        run("ip", "netns", "add", switch)
        self.namespaces.append(switch)
        run("ip", "-n", switch, "link", "add", "br0", "type", "bridge")
        run("ip", "-n", switch, "link", "set", "br0", "up")
        for index, host in enumerate(self.hosts, start=1):
            name = self.netns(host)
            run("ip", "netns", "add", name)
            self.namespaces.append(name)
            run("ip", "-n", switch, "link", "add", "v%d" % index, "type", "veth", "peer", "name",
                "eth0", "netns", name)
            run("ip", "-n", switch, "link", "set", "v%d" % index, "master", "br0", "up")
            run("ip", "-n", name, "link", "set", "lo", "up")
            run("ip", "-n", name, "addr", "add", self.address(host) + "/24", "dev", "eth0")
            run("ip", "-n", name, "link", "set", "eth0", "up")
            os.makedirs(os.path.join(self.root, host, "ml"))
        for host in self.hosts:
            with open(os.path.join(self.root, host + ".init.log"), "w") as init_log:
                self.inits[host] = subprocess.Popen(
                    ["ip", "netns", "exec", self.netns(host), "unshare", "--uts", "--mount",
                     "--pid", "--fork", "--mount-proc", "--propagation", "private",
                     "--kill-child", "bash", os.path.join(HERE, "host_init.sh"), host, self.root,
                     self.base],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=init_log,
                    env={"PATH": CLEAN_PATH}, start_new_session=True)
        deadline = time.monotonic() + 10
        for host in self.hosts:
            ready = os.path.join(self.root, host, "ready")
            while not os.path.exists(ready):
                if time.monotonic() > deadline or self.inits[host].poll() is not None:
                    with open(os.path.join(self.root, host + ".init.log")) as f:
                        raise RuntimeError("host %s did not come up: %s" % (host, f.read()))
                time.sleep(0.02)

    def _write_ssh_material(self):
        ssh = os.path.join(self.root, "ssh")
        os.makedirs(ssh)
        for key in ("host_key", "client_key"):
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "optml-test",
                "-f", os.path.join(ssh, key))
        shutil.copy(os.path.join(ssh, "client_key.pub"), os.path.join(ssh, "authorized_keys"))
        with open(os.path.join(ssh, "sshd_config"), "w") as f:
            f.write("\n".join([
                "Port 22", "ListenAddress 0.0.0.0",
                "HostKey " + os.path.join(ssh, "host_key"),
                "AuthorizedKeysFile " + os.path.join(ssh, "authorized_keys"),
                "PidFile none", "StrictModes no", "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes", "PasswordAuthentication no",
                "KbdInteractiveAuthentication no", "UsePAM no", "PrintMotd no",
                "PrintLastLog no", "UseDNS no", ""]))
        with open(os.path.join(ssh, "ssh_config"), "w") as f:
            f.write("\n".join([
                "Host *", "  User root", "  IdentityFile " + os.path.join(ssh, "client_key"),
                "  IdentitiesOnly yes", "  StrictHostKeyChecking no",
                "  UserKnownHostsFile /dev/null", "  GlobalKnownHostsFile /dev/null",
                "  BatchMode yes", "  ConnectTimeout 5", "  LogLevel ERROR", ""]))
        for key in ("host_key", "client_key"):
            os.chmod(os.path.join(ssh, key), 0o600)

    # --- per-host base dirs ------------------------------------------------------------------
    def host_base(self, host):
        """This host's base dir as seen from outside (inside the host it is self.base)."""
        return os.path.join(self.root, host, "ml")

    def write_job(self, host, hyperparameters, code_files, resources):
        base = self.host_base(host)
        for folder in ("model", "input/data", "input/config", "code", "output/data"):
            os.makedirs(os.path.join(base, folder), exist_ok=True)
        stored = {k: json.dumps(v) for k, v in hyperparameters.items()}
        for name, document in (("hyperparameters.json", stored),
                               ("inputdataconfig.json", {}),
                               ("resourceconfig.json", resources)):
            with open(os.path.join(base, "input", "config", name), "w") as f:
                json.dump(document, f)
        for name, text in code_files.items():
            with open(os.path.join(base, "code", name), "w") as f:
                f.write(text)

    def read_output(self, host, name):
        path = os.path.join(self.host_base(host), "output", name)
        if not os.path.exists(path):
            return None
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()

    # --- running on a host -------------------------------------------------------------------
    def start(self, host, argv, env, log_name):
        """Starts argv inside `host` (all its namespaces); output goes to a log file."""
        init_pid = self._init_pid(host)
        log = open(os.path.join(self.root, log_name), "w")
        process = subprocess.Popen(
            ["nsenter", "-t", str(init_pid), "-n", "-u", "-m", "-p", "--"] + list(argv),
            env=env, cwd="/", stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        process.log_path = os.path.join(self.root, log_name)
        self.started.append(process)
        return process

    def _init_pid(self, host):
        """The host's PID 1 as the machine sees it: the child of `unshare`."""
        unshare_pid = self.inits[host].pid
        # `ip netns exec` execs unshare, which forks the init.
        with open("/proc/%d/task/%d/children" % (unshare_pid, unshare_pid)) as f:
            children = f.read().split()
        if len(children) != 1:
            raise RuntimeError("host %s has no init process" % host)
        return int(children[0])

    # --- teardown ----------------------------------------------------------------------------
    def teardown(self):
        if self.torn_down:
            return
        self.torn_down = True
        for process in self.started:
            _kill_group(process)
        for host, init in self.inits.items():
            # SIGKILL to `unshare --kill-child` takes its child, the host's PID 1, with it; the
            # kernel then kills every process of that PID namespace.
            try:
                os.kill(self._init_pid(host), signal.SIGKILL)
            except (OSError, RuntimeError, ValueError):
                pass
            _kill_group(init)
        for process in list(self.inits.values()) + self.started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for name in reversed(self.namespaces):
            run("ip", "netns", "del", name, check=False)
        if self.subnet:
            run("ip", "route", "del", "blackhole", self.subnet + ".0/24", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def _kill_group(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
