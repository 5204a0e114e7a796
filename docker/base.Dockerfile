# The bring-your-own-container base: Debian bookworm-slim, Python 3, pip and numpy (serve's
# workers decode and encode payloads with it, as SageMaker's inference toolkit does), optml's
# `train` and `serve` on PATH (/usr/local/bin, the gethostname shim beside train) and the
# optml_toolkit Python package. Add your code and SageMaker runs `docker run IMAGE train` or
# `IMAGE serve`; there is no ENTRYPOINT, so the command runs as PID 1 and SIGTERM reaches
# optml directly.
#
#   buildah bud -f docker/base.Dockerfile -t optml/base .                 # needs optml/stage
#   buildah bud -f docker/base.Dockerfile --target mpi -t optml/base:mpi .
#   buildah bud -f docker/base.Dockerfile --build-arg PYTHON=false -t optml/base:native .
#
# --target mpi adds OpenMPI, openssh-server and mpi4py for multi-host MPI jobs (see mpi/).
# PYTHON=false leaves Python out: native entry points only (serve needs Python).
ARG BASE=debian:bookworm-slim
ARG OPTML_STAGE=optml/stage
FROM ${OPTML_STAGE} AS optml

FROM ${BASE} AS byoc
ARG PYTHON=true
COPY docker/install-packages.sh /usr/local/sbin/install-packages
RUN if [ "$PYTHON" = true ]; then \
      install-packages python3 python3-pip python3-setuptools python3-wheel python3-numpy; \
    fi
# The stage is mounted for the install, not copied: the image keeps one copy of the binaries.
RUN --mount=type=bind,from=optml,source=/opt/optml,target=/opt/optml \
    if [ "$PYTHON" = true ]; then /opt/optml/install.sh; else /opt/optml/install.sh --no-python; fi
# Python writes its output as it goes, as SageMaker's own images set it.
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1

# MPI-ready: sshd host keys are made when a container first starts, never baked into the image
# (every container of a job would share them); the entry point does it and then execs the
# command (exec form, no shell left behind), so train is still PID 1.
FROM byoc AS mpi
RUN install-packages openmpi-bin openssh-server python3-mpi4py
COPY docker/mpi/setup-ssh.sh docker/mpi/entrypoint.sh /usr/local/sbin/
RUN /usr/local/sbin/setup-ssh.sh && rm /usr/local/sbin/setup-ssh.sh
ENTRYPOINT ["/usr/local/sbin/entrypoint.sh"]

FROM byoc AS base
