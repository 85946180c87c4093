#!/usr/bin/env bash
# The main job on the embedded catalogue: resolve the EKS H100 Kubeflow training
# recipe into ./out/recipe.yaml, then show what it contains.
set -euo pipefail
aicr="${1:?usage: demo.sh path/to/aicr}"
mkdir -p out
echo "\$ aicr --version"
"${aicr}" --version
echo
echo "\$ aicr recipe --service eks --accelerator h100 --os ubuntu --intent training --platform kubeflow -o out/recipe.yaml"
"${aicr}" recipe --service eks --accelerator h100 --os ubuntu --intent training \
  --platform kubeflow -o out/recipe.yaml
echo "wrote out/recipe.yaml ($(wc -l <out/recipe.yaml) lines)"
echo
echo "\$ aicr recipe ... -t table"
"${aicr}" recipe --service eks --accelerator h100 --os ubuntu --intent training \
  --platform kubeflow -t table
echo
echo "\$ aicr query ... --selector components.gpu-operator.chart"
"${aicr}" query --service eks --accelerator h100 --os ubuntu --intent training \
  --platform kubeflow --selector components.gpu-operator.chart
echo
echo "\$ aicr bundle -r out/recipe.yaml -o out/bundle --system-node-selector nodeGroup=system --accelerated-node-selector nvidia.com/gpu.present=true"
rm -rf out/bundle
"${aicr}" bundle -r out/recipe.yaml -o out/bundle --system-node-selector nodeGroup=system \
  --accelerated-node-selector nvidia.com/gpu.present=true
ls out/bundle
