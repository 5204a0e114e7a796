"""torchrun jobs on the simulated hosts: Debian's torch 1.13 on Python 3.11 needs
PET_REDIRECTS/PET_TEE set (its default crashes before starting), and the torchrun command
comes from OPTML_TORCHRUN, as users of other images would set it."""
import runner_job

HYPERPARAMETERS = {"sagemaker_torch_distributed_enabled": True,
                   "sagemaker_mpi_num_of_processes_per_host": 2}


class TorchTestCase(runner_job.RunnerTestCase):
    module = ("torch", "python3-torch")

    def start_torch_jobs(self, program, extra_env=None):
        self.write_runner_jobs([program], dict(HYPERPARAMETERS, sagemaker_program=program))
        env = {"OPTML_TORCHRUN": self.python + " -m torch.distributed.run",
               "PET_REDIRECTS": "9:1", "PET_TEE": "9:1", "OPTML_STOP_TIMEOUT": "10",
               **(extra_env or {})}
        return {host: self.start_train(host, env) for host in reversed(self.cluster.hosts)}


main = runner_job.main
