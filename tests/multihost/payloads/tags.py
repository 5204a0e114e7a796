# Every rank names its rank and host on stdout and on stderr, so the test can compare the tag
# the leader puts before each line with what the rank says.
import os
import sys

from mpi4py import MPI

rank = MPI.COMM_WORLD.Get_rank()
host = os.environ["SM_CURRENT_HOST"]
print("out rank=%d host=%s" % (rank, host), flush=True)
print("err rank=%d host=%s" % (rank, host), file=sys.stderr, flush=True)
MPI.COMM_WORLD.Barrier()
