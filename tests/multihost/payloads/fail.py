# The last rank raises after the others entered a collective; they would wait forever
# unless the failure aborts the job.
import time

from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
if rank == size - 1:
    time.sleep(0.5)
    raise ValueError("rank %d gave up on purpose" % rank)
comm.Barrier()
time.sleep(60)
