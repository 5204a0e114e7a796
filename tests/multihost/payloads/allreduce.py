# Every rank contributes rank + 1; all must see the sum 1..size. Each rank reports the host
# its environment names and the host it runs on.
import os
import socket

from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
total = comm.allreduce(rank + 1, op=MPI.SUM)
assert total == size * (size + 1) // 2, total
print("rank=%d size=%d sum=%d uname=%s sm_current_host=%s current_host=%s ld_preload=%s" % (
    rank, size, total, socket.gethostname(), os.environ.get("SM_CURRENT_HOST"),
    os.environ.get("CURRENT_HOST"), os.environ.get("LD_PRELOAD")), flush=True)
