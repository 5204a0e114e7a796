"""Serves the line example/code/train.py fits: POST {"x": [1, 2]} -> {"y": [a*1+b, a*2+b]}.

Standard library only, like the training script. serve calls these handlers as SageMaker's
inference toolkit does; the model folder is what the training job wrote to SM_MODEL_DIR.
"""
import json
import os


def model_fn(model_dir):
    with open(os.path.join(model_dir, "model.json")) as f:
        model = json.load(f)
    return model["a"], model["b"]


def input_fn(input_data, content_type):
    if content_type != "application/json":
        raise ValueError("send application/json, not %s" % content_type)
    return json.loads(input_data)["x"]


def predict_fn(data, model):
    a, b = model
    return [a * x + b for x in data]


def output_fn(prediction, accept):
    return json.dumps({"y": prediction})
