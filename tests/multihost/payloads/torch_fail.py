# The last rank raises while every other rank waits in a collective with it; they must fail
# too instead of waiting forever.
import time

import torch.distributed as dist

dist.init_process_group("gloo")
rank, size = dist.get_rank(), dist.get_world_size()
if rank == size - 1:
    time.sleep(0.5)
    raise ValueError("rank %d gave up on purpose" % rank)
dist.barrier()
time.sleep(60)
