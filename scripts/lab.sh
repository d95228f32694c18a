#!/usr/bin/env bash
# npm run lab: JupyterLab (the project venv) on notebooks/, with the tslab kernel.
# Extra arguments go to jupyter lab (e.g. npm run lab -- --no-browser --port 8899).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jupyter-env.sh"
ensure_node_modules
bash "$ROOT/scripts/setup-python.sh"
ensure_dataset || echo "[lab] warning: no CIFAR-10 data yet; the notebook's data cell will fail" >&2
args=(--notebook-dir="$ROOT/notebooks" --LabApp.extension_manager=readonly)
if [[ $EUID -eq 0 ]]; then args+=(--allow-root); fi
exec jupyter lab "${args[@]}" "$@"
