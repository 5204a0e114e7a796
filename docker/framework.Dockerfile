# A framework base layer: the optml base plus the compatibility distributions
# sagemaker-training and sagemaker-containers (python/compat), backed by optml_toolkit. A
# framework toolkit installed on top, `pip install sagemaker-pytorch-training` for instance,
# finds its sagemaker-training requirement satisfied and imports optml's sagemaker_training;
# the image then runs `train` with SAGEMAKER_TRAINING_MODULE=<toolkit>.training:main as usual.
#
#   buildah bud -f docker/framework.Dockerfile -t optml/framework .       # needs optml/stage
#   buildah bud -f docker/framework.Dockerfile --build-arg BASE=optml/base:mpi -t optml/fw:mpi .
ARG BASE=optml/base
ARG OPTML_STAGE=optml/stage
FROM ${OPTML_STAGE} AS optml

FROM ${BASE}
RUN --mount=type=bind,from=optml,source=/opt/optml,target=/opt/optml \
    /opt/optml/install.sh --compat-only
