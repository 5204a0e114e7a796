# Every rank names its rank and host on stdout and on stderr, so the test can compare the tag
# the leader puts before each line with what the rank says; then one 20 kB line, which mpirun
# reads (and tags) in 4 KiB chunks.
import os
import sys

from mpi4py import MPI

rank = MPI.COMM_WORLD.Get_rank()
host = os.environ["SM_CURRENT_HOST"]
print("out rank=%d host=%s" % (rank, host), flush=True)
print("err rank=%d host=%s" % (rank, host), file=sys.stderr, flush=True)
sys.stdout.write("long rank=%d %s\n" % (rank, "y" * 20000))
sys.stdout.flush()
MPI.COMM_WORLD.Barrier()
