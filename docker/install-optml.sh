#!/bin/sh
# install-optml.sh [--prefix DIR] [--no-python] [--compat | --compat-only] — puts optml into the
# image this runs in, from the folder it sits in (the optml stage's /opt/optml: bin/ and python/).
#
#   DIR/bin/train, DIR/bin/serve and DIR/bin/liboptml_gethostname.so (the shim must sit beside
#   train: train looks for it there); DIR defaults to /usr/local.
#   The Python package optml_toolkit (serve's workers, the bootstraps, remote functions) with
#   `python3 -m pip` when pip and setuptools 61+ are there, else copied into site-packages;
#   skipped with --no-python or when the image has no python3 (native entry points only).
#   --compat: also the distributions sagemaker-training and sagemaker-containers (needs pip and
#   setuptools 61+), so that `pip install <framework toolkit>` finds them satisfied.
#   --compat-only: only those (an image that has optml already: the framework layer on the base).
#
# Nothing is downloaded: pip runs with --no-index and --no-build-isolation, building with the
# image's own setuptools (Debian's and Ubuntu's python3-pip depend on python3-setuptools).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=/usr/local
binaries=yes
python=yes
compat=no
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) prefix=$2; shift 2 ;;
    --no-python) python=no; shift ;;
    --compat) compat=yes; shift ;;
    --compat-only) compat=only; binaries=no; shift ;;
    *)
      echo "install-optml: unknown argument $1 (use --prefix DIR, --no-python, --compat," \
        "--compat-only)" >&2
      exit 2 ;;
  esac
done

if [ "$binaries" = yes ]; then
  mkdir -p "$prefix/bin"
  for file in train serve liboptml_gethostname.so; do
    cp "$here/bin/$file" "$prefix/bin/$file"
  done
  chmod 0755 "$prefix/bin/train" "$prefix/bin/serve"
  chmod 0644 "$prefix/bin/liboptml_gethostname.so"
  echo "install-optml: train, serve and the gethostname shim in $prefix/bin"
fi

if [ "$python" = no ]; then exit 0; fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "install-optml: no python3 in this image, the Python package is not installed"
  [ "$compat" = no ] || { echo "install-optml: --compat needs python3 and pip" >&2; exit 1; }
  exit 0
fi
# A copy to build in: the stage's folder may be read-only or shared by several installs.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$here/python" "$work/python"
# pip builds the packages from their pyproject.toml with the image's own setuptools, which must
# read [project] tables (61+; Ubuntu 22.04 has 59, which would install an empty "UNKNOWN").
pip_can_build() {
  python3 -m pip --version >/dev/null 2>&1 && python3 -c 'import setuptools, sys
sys.exit(int(setuptools.__version__.split(".")[0]) < 61)' 2>/dev/null
}
if pip_can_build; then
  packages="$work/python"
  compat_packages="$work/python/compat/sagemaker-training $work/python/compat/sagemaker-containers"
  case $compat in
    yes) packages="$packages $compat_packages" ;;
    only) packages=$compat_packages ;;
  esac
  # shellcheck disable=SC2086 # one word per folder
  PIP_BREAK_SYSTEM_PACKAGES=1 PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet \
    --no-index --no-build-isolation --no-cache-dir --disable-pip-version-check $packages
  installed=$(echo "$packages" | sed "s|$work/python/compat/||g; s|$work/python|optml-toolkit|")
  echo "install-optml: installed with pip: $installed"
else
  if [ "$compat" != no ]; then
    echo "install-optml: --compat needs pip and setuptools 61 or newer in the image" >&2
    exit 1
  fi
  site=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  mkdir -p "$site"
  cp -R "$work/python/src/." "$site/"
  echo "install-optml: Python package copied into $site (no pip, or setuptools older than 61)"
fi
