"""Serving transformer names (behaviour comes with optml's serve)."""

from sagemaker_containers import _encoders, _errors


def default_model_fn(model_dir):
    raise NotImplementedError("Please provide a model_fn implementation.")


def default_input_fn(input_data, content_type):
    return _encoders.decode(input_data, content_type)


def default_predict_fn(data, model):
    raise NotImplementedError("Please provide a predict_fn implementation.")


def default_output_fn(prediction, accept):
    return _encoders.encode(prediction, accept), accept


class Transformer:
    def __init__(self, model_fn=None, input_fn=None, predict_fn=None, output_fn=None,
                 transform_fn=None, error_class=_errors.ClientError):
        self._model_fn = model_fn or default_model_fn
        self._input_fn = input_fn or default_input_fn
        self._predict_fn = predict_fn or default_predict_fn
        self._output_fn = output_fn or default_output_fn
        self._transform_fn = transform_fn
        self._error_class = error_class

    def initialize(self):
        raise NotImplementedError("serving comes with optml's serve")

    def transform(self):
        raise NotImplementedError("serving comes with optml's serve")
