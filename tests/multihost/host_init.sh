#!/bin/bash
# host_init.sh HOST RUN_DIR BASE_DIR — PID 1 of one simulated host. simulated_hosts.py starts it as
#   ip netns exec NETNS unshare --uts --mount --pid --fork --mount-proc --propagation private \
#        --kill-child bash host_init.sh ...
# so it already sits in the host's network namespace and in fresh UTS, mount and PID
# namespaces. The mounts below exist only in this host's mount namespace and vanish with it;
# nothing of the real system is written.
set -euo pipefail
host=$1 run=$2 base=$3

hostname "$host"
mount --bind "$run/hosts" /etc/hosts         # algo-1..N -> the test subnet
mount -t tmpfs -o mode=755 tmpfs /run        # private /run: train creates /run/sshd itself
mount --bind "$run/ssh" /etc/ssh             # throw-away keys and configs for sshd and ssh
mount --bind "$run/$host/ml" "$base"         # the same base dir path, this host's contents
# ssh runs remote commands through bash, which sources ~/.bashrc (pyenv on some machines).
if [ -f /root/.bashrc ]; then mount --bind "$run/empty" /root/.bashrc; fi

touch "$run/$host/ready"
# PID 1 of the host: reap orphans until killed; the kernel then kills the whole host.
trap 'exit 0' TERM INT
while :; do sleep 3600 & wait $! || true; done
