# The example model (the line example/code/train.py fits) served by optml's `serve`: handlers in
# /opt/ml/model/code/inference.py, the model in /opt/ml/model/model.json. SageMaker puts the
# model artifact in /opt/ml/model; baking one in makes the image serve on its own.
#
#   buildah bud -f docker/example-model.Dockerfile -t optml/example-model .
#   podman run --rm -p 127.0.0.1:8080:8080 optml/example-model serve
ARG BASE=optml/base
FROM ${BASE}
COPY example/model/ /opt/ml/model/
