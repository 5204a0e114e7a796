"""The runner types of sagemaker-containers; optml's train runs them."""

import enum


class RunnerType(enum.Enum):
    MPI = "MPI"
    Process = "Process"


ProcessRunnerType = RunnerType.Process
MPIRunnerType = RunnerType.MPI
