# gloo all_reduce across every rank of every host: each contributes rank + 1.
import os
import socket

import torch
import torch.distributed as dist

dist.init_process_group("gloo")
rank, size = dist.get_rank(), dist.get_world_size()
total = torch.tensor([float(rank + 1)])
dist.all_reduce(total)
assert total.item() == size * (size + 1) / 2, total.item()
line = "rank=%d size=%d sum=%d host=%s local_rank=%s sm_current_host=%s tmpdir=%s\n" % (
    rank, size, total.item(), socket.gethostname(), os.environ.get("LOCAL_RANK"),
    os.environ.get("SM_CURRENT_HOST"), os.environ.get("TMPDIR"))
# One write: the ranks of a host share the output, and print's text and newline could
# interleave with the other rank's.
os.write(1, line.encode())
dist.barrier()
dist.destroy_process_group()
