#!/usr/bin/env bash
# make_rootfs.sh CACHE_DIR — makes (once) the Debian bookworm minbase rootfs the container tests
# use as the Dockerfiles' base image, and prints the tarball's path.
#
# There is no registry here, so `debian:bookworm-slim` is made with debootstrap and imported.
# The packages every image of docker/ installs are included up front: the Dockerfiles install
# only what is missing (docker/install-packages.sh), so the test builds run with
# `--network none` and nothing leaves the machine after this one fetch from the Debian mirror.
# The tarball is cached in CACHE_DIR (git-ignored) so later runs skip debootstrap.
set -euo pipefail
cache_dir=$1
tarball=$cache_dir/bookworm-minbase.tar
packages=python3,python3-pip,python3-setuptools,python3-wheel,python3-numpy,openmpi-bin,openssh-server,python3-mpi4py
# The list is part of the cache key: a changed list makes a new tarball.
stamp=$cache_dir/bookworm-minbase.packages
if [ -s "$tarball" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$packages" ]; then
  echo "$tarball"
  exit 0
fi
mkdir -p "$cache_dir"
work=$(mktemp -d "$cache_dir/rootfs.XXXXXX")
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase --include="$packages" bookworm "$work/rootfs" >"$work/log" 2>&1 || {
  tail -20 "$work/log" >&2
  echo "make_rootfs: debootstrap of bookworm failed (needs the Debian mirror once)" >&2
  exit 1
}
# What the slim image leaves out and the tests never need.
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
mv "$work/rootfs.tar" "$tarball"
echo "$packages" >"$stamp"
echo "$tarball"
