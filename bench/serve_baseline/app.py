"""The baseline's Flask app: the legacy SageMaker process model (nginx -> gunicorn -k gevent ->
Flask) around the same user handler module that `serve` runs.

Like the legacy toolkit, it imports the user module in every gunicorn worker, loads the model
with its model_fn, and fills in the missing handlers with the reference's default codecs,
written here exactly as the reference writes them (json.loads + np.array, np.genfromtxt,
np.load; json.dumps, np.savetxt, np.save). So the figures compare the legacy stack as users
have it with serve as a whole.
"""

import importlib
import io
import json
import os
import sys

import flask
import numpy as np

code_dir = os.environ["OPTML_SERVE_CODE_DIR"]
model_dir = os.environ["OPTML_SERVE_MODEL_DIR"]
sys.path.insert(0, code_dir)
program = os.environ.get("SAGEMAKER_PROGRAM", "inference.py")
user_module = importlib.import_module(program[:-3] if program.endswith(".py") else program)


def _default_input_fn(body, content_type):
    if content_type == "application/json":
        return np.array(json.loads(body))
    if content_type == "text/csv":
        return np.genfromtxt(io.StringIO(body), dtype=None, delimiter=",")
    if content_type == "application/x-npy":
        return np.load(io.BytesIO(body), allow_pickle=True)
    raise ValueError(f"Content type {content_type} is not supported")


def _default_output_fn(prediction, accept):
    if accept == "application/json":
        return json.dumps(prediction, default=lambda v: v.tolist()), accept
    if accept == "text/csv":
        stream = io.StringIO()
        np.savetxt(stream, prediction, delimiter=",", fmt="%s")
        return stream.getvalue(), accept
    if accept == "application/x-npy":
        buffer = io.BytesIO()
        np.save(buffer, prediction)
        return buffer.getvalue(), accept
    raise ValueError(f"Accept type {accept} is not supported")


model = user_module.model_fn(model_dir)
input_fn = getattr(user_module, "input_fn", _default_input_fn)
predict_fn = user_module.predict_fn
output_fn = getattr(user_module, "output_fn", _default_output_fn)

app = flask.Flask(__name__)


@app.route("/ping", methods=["GET"])
def ping():
    return flask.Response(status=200)


@app.route("/invocations", methods=["POST"])
def invocations():
    request = flask.request
    content_type = request.headers.get("Content-Type") or request.headers.get("ContentType")
    accept = request.headers.get("Accept")
    if not accept or accept == "*/*":
        accept = os.environ.get("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", "application/json")
    body = request.get_data()
    if content_type in ("application/json", "text/csv"):
        body = body.decode("utf-8")
    try:
        result = output_fn(predict_fn(input_fn(body, content_type), model), accept)
    except Exception as error:  # pylint: disable=broad-except
        return flask.Response(f"{type(error).__name__}: {error}", status=500,
                              content_type="text/plain")
    if isinstance(result, tuple):
        result, accept = result
    return flask.Response(result, status=200, content_type=accept)
