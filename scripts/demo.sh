#!/usr/bin/env bash
# Installs what optml needs, builds it, and runs the example training job on a local base
# dir (example/run/opt/ml), the way SageMaker would: `train` with no arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh

base=example/run/opt/ml
rm -rf example/run
mkdir -p "$base"/{model,output/data,input/data,code}
cp -r example/config "$base/input/config"
cp -r example/data/. "$base/input/data/"
cp example/code/* "$base/code/"

echo "--- running build/bin/train on $base"
status=0
SAGEMAKER_BASE_DIR="$PWD/$base" SM_STUDIO_LOCAL_MODE=true build/bin/train || status=$?
echo "--- train exited with $status"
echo "--- $base/model:"
ls -l "$base/model"
cat "$base/model/model.json"; echo
echo "--- $base/output:"
ls -l "$base/output"
exit "$status"
