"""optml's implementation of the older SageMaker containers API (sagemaker-containers 2.x)
that the XGBoost and Chainer toolkits and their users' scripts import.

Training names behave as in the reference, with runs handed to optml's `train`; the serving
names import, and their behaviour comes with optml's `serve`.
"""

from sagemaker_containers import _logging

logger = _logging.get_logger()


def training_env():
    """The training job (a `_env.TrainingEnv`), from train's SM_TRAINING_ENV in a job."""
    from sagemaker_containers import _env

    return _env.TrainingEnv()
