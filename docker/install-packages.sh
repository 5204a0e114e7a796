#!/bin/sh
# install-packages.sh PACKAGE... — installs the Debian packages that are missing, and only
# those: when every one is already installed it changes nothing and touches no network (so an
# image built on a base that already holds them builds offline). Lists and caches are removed
# afterwards, as slim images do.
set -eu
missing=""
for package in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done
if [ -z "$missing" ]; then
  echo "install-packages: $* already installed"
  exit 0
fi
echo "install-packages: installing$missing"
apt-get update -qq
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
apt-get clean
rm -rf /var/lib/apt/lists/*
