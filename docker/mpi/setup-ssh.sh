#!/bin/sh
# Run once at image build (base.Dockerfile, target mpi): lets the job's hosts log into each
# other as root with a key, the way mpirun reaches its workers.
#
# The client key and authorized_keys are made here, so every container of this image trusts the
# others (as SageMaker's MPI images do: only the job's own hosts reach port 22). Host keys are
# not: Debian's package made some at install, they go, and entrypoint.sh makes new ones when a
# container starts.
set -eu
rm -f /etc/ssh/ssh_host_*
mkdir -p /root/.ssh /run/sshd
chmod 0700 /root/.ssh
ssh-keygen -q -t ed25519 -N "" -C "optml-mpi" -f /root/.ssh/id_ed25519
cp /root/.ssh/id_ed25519.pub /root/.ssh/authorized_keys
chmod 0600 /root/.ssh/authorized_keys
cat >/root/.ssh/config <<'CONFIG'
# The job's hosts are new containers every time: there is nothing to check their keys against.
Host *
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
  BatchMode yes
CONFIG
cat >/etc/ssh/sshd_config.d/optml-mpi.conf <<'CONFIG'
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PrintMotd no
UseDNS no
CONFIG
