#!/bin/sh
# The MPI image's entry point: makes this container's sshd host keys when it has none (the
# first start), then becomes the command (`train`, `serve`, ...), which so stays PID 1.
set -eu
if ! ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1; then
  ssh-keygen -q -A
fi
if [ $# -eq 0 ]; then
  echo "entrypoint: no command given (SageMaker runs 'train' or 'serve')" >&2
  exit 2
fi
exec "$@"
