"""The names framework toolkits import as `sagemaker_containers.beta.framework`."""

import sagemaker_containers  # noqa: F401
from sagemaker_containers import _content_types as content_types  # noqa: F401
from sagemaker_containers import _encoders as encoders  # noqa: F401
from sagemaker_containers import _env as env
from sagemaker_containers import _errors as errors  # noqa: F401
from sagemaker_containers import _files as files  # noqa: F401
from sagemaker_containers import _logging as logging  # noqa: F401
from sagemaker_containers import _mapping as mapping  # noqa: F401
from sagemaker_containers import _modules as modules  # noqa: F401
from sagemaker_containers import _params as params  # noqa: F401
from sagemaker_containers import _process as process  # noqa: F401
from sagemaker_containers import _runner as runner  # noqa: F401
from sagemaker_containers import _server as server  # noqa: F401
from sagemaker_containers import _transformer as transformer  # noqa: F401
from sagemaker_containers import _worker as worker  # noqa: F401
from sagemaker_containers import entry_point  # noqa: F401


def training_env(resource_config=None, input_data_config=None, hyperparameters=None):
    """The training job; in an optml job read from train's SM_TRAINING_ENV."""
    return env.TrainingEnv(resource_config=resource_config,
                           input_data_config=input_data_config,
                           hyperparameters=hyperparameters)
