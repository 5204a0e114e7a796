# The example training job (example/code/train.py) in an image: SageMaker mounts /opt/ml with
# the job's config and data and runs `train`; the code is baked in, so the platform needs no
# sagemaker_submit_directory.
#
#   buildah bud -f docker/example-job.Dockerfile -t optml/example-job .
#   podman run --rm -v "$PWD/opt/ml:/opt/ml" optml/example-job train
ARG BASE=optml/base
FROM ${BASE}
COPY example/code/ /opt/ml/code/
ENV SAGEMAKER_PROGRAM=train.py
