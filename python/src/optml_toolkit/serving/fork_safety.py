"""Whether the loaded model survives ``fork``: the loader's answer to the front end.

Forking shares the model copy-on-write, but some runtimes cannot be used in a forked child: a
live CUDA context (the driver's state is not valid in the child), runtimes whose thread pools do
not survive fork (TensorFlow, JAX), and Python threads the handlers started (only the forking
thread exists in the child). When any of these is found, each worker loads its own model.
"""

import os
import sys
import threading

# Frameworks whose runtime is not fork-safe once imported, whatever device they use.
_UNFORKABLE_MODULES = {
    "tensorflow": "TensorFlow is imported (its runtime threads do not survive fork)",
    "jax": "JAX is imported (its runtime threads do not survive fork)",
}
_ACCELERATOR_DEVICES = ("/dev/nvidia", "/dev/neuron", "/dev/dri/")


def _torch_cuda_reason():
    torch = sys.modules.get("torch")
    cuda = getattr(torch, "cuda", None)
    is_initialized = getattr(cuda, "is_initialized", None)
    try:
        if is_initialized is not None and is_initialized():
            return "torch has initialized CUDA (a CUDA context does not survive fork)"
    except Exception:  # pylint: disable=broad-except
        return "torch.cuda.is_initialized() failed, so CUDA may be live"
    return None


def _open_accelerator_devices():
    found = set()
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return found
    for name in names:
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if target.startswith(_ACCELERATOR_DEVICES):
            found.add(target)
    return found


def fork_blockers():
    """The reasons not to fork the loaded model; empty when forking is safe."""
    reasons = []
    torch_reason = _torch_cuda_reason()
    if torch_reason:
        reasons.append(torch_reason)
    for module, reason in _UNFORKABLE_MODULES.items():
        if module in sys.modules:
            reasons.append(reason)
    devices = _open_accelerator_devices()
    if devices:
        reasons.append(f"accelerator devices are open ({', '.join(sorted(devices))})")
    threads = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    if threads:
        reasons.append(f"Python threads are running ({', '.join(threads)}); fork keeps only one")
    return reasons
