#!/usr/bin/env bash
# Installs every build and test dependency from Debian 12 packages. Idempotent: when all
# packages are present it changes nothing and does not touch the network.
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  nlohmann-json3-dev libcli11-dev libboost-dev libspdlog-dev catch2 libarchive-dev
  python3 python3-pip python3-setuptools python3-venv
  util-linux procps
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_prefix=()
if [ "$(id -u)" -ne 0 ]; then sudo_prefix=(sudo); fi
"${sudo_prefix[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_prefix[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
