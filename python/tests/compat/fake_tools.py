"""Tools a test puts first on a job's PATH: an nvidia-smi that lists GPUs (train's probe counts
them), and a torch_xla package whose xla_spawn runs the script as the real one does, after
recording its arguments and the XLA variables."""

import os

NVIDIA_SMI = """#!/bin/sh
i=0
while [ $i -lt %d ]; do echo "GPU $i: Fake GPU (UUID: GPU-$i)"; i=$((i+1)); done
"""

XLA_SPAWN = '''"""Stand-in for torch_xla.distributed.xla_spawn."""
import json, os, runpy, sys
arguments = sys.argv[1:]
with open(os.environ["XLA_RECORD"], "w") as f:
    json.dump({"argv": arguments, "env": {k: v for k, v in os.environ.items()
                                          if k.startswith(("XRT_", "GPU_", "NCCL_", "FI_",
                                                           "OFI_"))}}, f)
script = arguments[2]
sys.argv = [script] + arguments[3:]
runpy.run_path(script, run_name="__main__")
'''


def fake_gpus(folder, count):
    """A folder holding an nvidia-smi that lists `count` GPUs."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "nvidia-smi")
    with open(path, "w", encoding="utf-8") as f:
        f.write(NVIDIA_SMI % count)
    os.chmod(path, 0o755)
    return folder


def fake_torch_xla(folder):
    """A folder to put on PYTHONPATH with torch_xla.distributed.xla_spawn."""
    package = os.path.join(folder, "torch_xla", "distributed")
    os.makedirs(package, exist_ok=True)
    for init in (os.path.join(folder, "torch_xla", "__init__.py"),
                 os.path.join(package, "__init__.py")):
        open(init, "w", encoding="utf-8").close()
    with open(os.path.join(package, "xla_spawn.py"), "w", encoding="utf-8") as f:
        f.write(XLA_SPAWN)
    return folder
