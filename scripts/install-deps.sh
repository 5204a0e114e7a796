#!/usr/bin/env bash
# Installs every build and test dependency from Debian 12 packages. Idempotent: when all
# packages are present it changes nothing and does not touch the network.
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  nlohmann-json3-dev libcli11-dev libboost-dev libspdlog-dev catch2 libarchive-dev libzstd-dev
  libacl1-dev zlib1g-dev
  python3 python3-pip python3-setuptools python3-venv python3-pytest
  util-linux procps
  libcurl4-openssl-dev libssl-dev nodejs awscli
  openmpi-bin python3-mpi4py openssh-server openssh-client iproute2
  python3-torch python3-xgboost
  python3-numpy python3-scipy python3-cloudpickle python3-tblib python3-cryptography
  clang libclang-rt-14-dev
  podman buildah runc uidmap debootstrap binutils
  python3-boto3 python3-botocore
)
# Debian's nodejs comes without npm; NodeSource's nodejs bundles it and conflicts with it.
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  sudo_prefix=()
  if [ "$(id -u)" -ne 0 ]; then sudo_prefix=(sudo); fi
  "${sudo_prefix[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_prefix[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The S3 tests' local server (s3rver) and independent SigV4 signer (aws4) are npm packages,
# not in Debian; they go into the git-ignored tests/.node, pinned, and only when missing.
node_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/.node"
node_package_version() {
  node -p "require('$node_dir/node_modules/$1/package.json').version" 2>/dev/null || true
}
if [ "$(node_package_version s3rver)" != "3.7.1" ] || [ "$(node_package_version aws4)" != "1.13.2" ]; then
  echo "install-deps: installing s3rver@3.7.1 and aws4@1.13.2 into $node_dir"
  mkdir -p "$node_dir"
  (cd "$node_dir" && npm install --no-audit --no-fund --no-save --prefix "$node_dir" s3rver@3.7.1 aws4@1.13.2)
else
  echo "install-deps: s3rver and aws4 present in $node_dir"
fi
