#!/usr/bin/env bash
# npm run test:notebooks: executes every notebook in notebooks/ on the tslab kernel with real
# Jupyter (jupyter nbconvert --execute) and the reduced budget (CS231N_BUDGET=ci), writing the
# executed copies and their offline HTML exports to artifacts/notebooks/ (never over the committed
# notebooks). Fails when any cell fails or shows an error output.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jupyter-env.sh"
cd "$ROOT"
export CS231N_BUDGET="${CS231N_BUDGET:-ci}"
OUT_DIR="${NOTEBOOK_OUT_DIR:-$ROOT/artifacts/notebooks}"

ensure_node_modules
bash "$ROOT/scripts/setup-python.sh"
ensure_dataset
mkdir -p "$OUT_DIR"

passed=0
failed=0
shopt -s nullglob
notebooks=("$ROOT"/notebooks/*.ipynb)
if [[ ${#notebooks[@]} -eq 0 ]]; then
  echo "[test-notebooks] error: no notebooks in notebooks/" >&2
  exit 1
fi
for nb in "${notebooks[@]}"; do
  name="$(basename "$nb" .ipynb)"
  echo "[test-notebooks] $name (budget $CS231N_BUDGET)" >&2
  start=$(date +%s)
  if execute_notebook "$nb" "$OUT_DIR" &&
    notebook_errors "$OUT_DIR/$name.ipynb" &&
    tsx scripts/export-notebook-html.ts "$OUT_DIR/$name.ipynb" "$OUT_DIR/$name.html"; then
    echo "[test-notebooks] ok   $name ($(($(date +%s) - start)) s)" >&2
    passed=$((passed + 1))
  else
    echo "[test-notebooks] FAIL $name" >&2
    failed=$((failed + 1))
  fi
done
echo "notebooks: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
