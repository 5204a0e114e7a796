# The optml stage: train, serve, the gethostname shim, the Python package and install-optml.sh
# in /opt/optml, nothing else (a few MB). Build it once from the repository root after a build:
#
#   buildah bud -f docker/optml.Dockerfile --build-arg OPTML_BIN=build-release/bin -t optml/stage .
#
# then add optml to any image (Debian, Ubuntu, a CUDA or framework image; glibc 2.35 or newer):
#
#   COPY --from=optml/stage /opt/optml /opt/optml
#   RUN /opt/optml/install.sh            # --no-python, --compat, --prefix DIR: see the script
#
# The binaries are copied from a build of this repository (see docker/README.md for why there
# is no compiler stage); OPTML_BIN is that build's bin/ relative to the build context.
FROM scratch
ARG OPTML_BIN=build-release/bin
COPY ${OPTML_BIN}/train ${OPTML_BIN}/serve ${OPTML_BIN}/liboptml_gethostname.so /opt/optml/bin/
COPY python/pyproject.toml /opt/optml/python/pyproject.toml
COPY python/src /opt/optml/python/src
COPY python/compat /opt/optml/python/compat
COPY docker/install-optml.sh /opt/optml/install.sh
