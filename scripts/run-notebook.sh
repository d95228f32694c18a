#!/usr/bin/env bash
# npm run notebook [-- NOTEBOOK]: executes notebooks/two_layer_net.ipynb headlessly on the tslab
# kernel (jupyter nbconvert --execute), exports it to offline HTML, prints the final accuracies.
#
# Works on a fresh clone: npm install if node_modules is missing, the project venv
# (scripts/setup-python.sh), the dataset (CIFAR10_DIR, else data/cifar-10-batches-bin, else
# npm run get-data).
#
# Budget (CS231N_BUDGET): unset or 'full' runs the assignment's budget and writes the executed
# notebook in place (the committed copy carries a full run); 'ci' writes it to artifacts/notebooks/
# and leaves the committed notebook alone. NOTEBOOK_OUT_DIR overrides where the notebook goes.
# The HTML export goes to artifacts/<name>.html.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jupyter-env.sh"
cd "$ROOT"

NOTEBOOK="${1:-notebooks/two_layer_net.ipynb}"
NAME="$(basename "$NOTEBOOK" .ipynb)"
BUDGET="${CS231N_BUDGET:-full}"
if [[ -n "${NOTEBOOK_OUT_DIR:-}" ]]; then
  OUT_DIR="$NOTEBOOK_OUT_DIR"
elif [[ "$BUDGET" == "full" ]]; then
  OUT_DIR="$(dirname "$NOTEBOOK")"
else
  OUT_DIR="$ROOT/artifacts/notebooks"
fi

ensure_node_modules
bash "$ROOT/scripts/setup-python.sh"
ensure_dataset
echo "[notebook] $NOTEBOOK, budget $BUDGET, CIFAR10_DIR=$CIFAR10_DIR" >&2

# Executed into a temp folder, then moved into place: never a half-written notebook.
mkdir -p "$OUT_DIR" "$ROOT/artifacts"
TMP="$(mktemp -d "$ROOT/artifacts/.run-XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
start=$(date +%s)
CS231N_BUDGET="$BUDGET" execute_notebook "$NOTEBOOK" "$TMP"
echo "[notebook] executed in $(($(date +%s) - start)) s" >&2
notebook_errors "$TMP/$NAME.ipynb"
mv "$TMP/$NAME.ipynb" "$OUT_DIR/$NAME.ipynb"
echo "[notebook] wrote $OUT_DIR/$NAME.ipynb ($(du -k "$OUT_DIR/$NAME.ipynb" | cut -f1) KiB)" >&2

tsx "$ROOT/scripts/export-notebook-html.ts" "$OUT_DIR/$NAME.ipynb" "$ROOT/artifacts/$NAME.html"

# The accuracies the notebook printed.
"$VENV/bin/python" - "$OUT_DIR/$NAME.ipynb" <<'PY'
import json, re, sys
nb = json.load(open(sys.argv[1]))
text = "".join(
    "".join(o.get("text", ""))
    for c in nb["cells"] if c["cell_type"] == "code"
    for o in c.get("outputs", []) if o.get("output_type") == "stream"
)
for label in ("Solver: best validation accuracy", "best validation accuracy:",
              "Validation set accuracy:", "Test set accuracy:"):
    m = re.search(re.escape(label) + r"\s*([0-9.]+)", text)
    print(f"{label.rstrip(':')}: {m.group(1) if m else 'not found'}")
PY
