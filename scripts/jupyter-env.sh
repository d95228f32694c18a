# Sourced by the notebook scripts: project paths and a Jupyter environment that only sees this
# repository's venv (its kernels, its labextensions), whatever the user has in ~/.jupyter.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
export PATH="$VENV/bin:$ROOT/node_modules/.bin:$PATH"
export JUPYTER_PLATFORM_DIRS=1
# The kernel is started through scripts/tslab-kernel.js, which runs at the repository root, so
# the default data folder (data/cifar-10-batches-bin) resolves the same from every notebook.

# ensure_node_modules: npm install when node_modules is missing (a fresh clone).
ensure_node_modules() {
  if [[ ! -x "$ROOT/node_modules/.bin/tslab" ]]; then
    echo "[notebook] node_modules missing: npm install" >&2
    (cd "$ROOT" && npm install)
  fi
}

# ensure_dataset: exports CIFAR10_DIR (given, data/cifar-10-batches-bin, or downloaded there by
# npm run get-data) and checks that the six batch files are there.
ensure_dataset() {
  local dir="${CIFAR10_DIR:-}"
  if [[ -z "$dir" ]]; then
    dir="$ROOT/data/cifar-10-batches-bin"
    if [[ ! -f "$dir/test_batch.bin" ]]; then
      echo "[notebook] CIFAR-10 not found in $dir: npm run get-data" >&2
      (cd "$ROOT" && npm run get-data)
    fi
  fi
  local f
  for f in data_batch_1.bin data_batch_2.bin data_batch_3.bin data_batch_4.bin data_batch_5.bin test_batch.bin; do
    if [[ ! -f "$dir/$f" ]]; then
      echo "[notebook] error: $dir/$f is missing (set CIFAR10_DIR to the cifar-10-batches-bin folder)" >&2
      return 1
    fi
  done
  export CIFAR10_DIR="$(cd "$dir" && pwd)"
}

# execute_notebook IN OUT_DIR: runs every cell on the tslab kernel with real nbconvert/nbclient;
# fails (non-zero) on the first cell error. The executed copy is OUT_DIR/<name of IN>.
execute_notebook() {
  local in="$1" outdir="$2"
  jupyter nbconvert --to notebook --execute \
    --ExecutePreprocessor.kernel_name=tslab \
    --ExecutePreprocessor.timeout=14400 \
    --ExecutePreprocessor.startup_timeout=300 \
    --output-dir "$outdir" "$in"
}

# notebook_errors NB: prints the error outputs of NB, status 1 if any. tslab reports a failing cell
# as a stderr stream (with an error execute_reply), so stderr output counts as an error too.
notebook_errors() {
  "$VENV/bin/python" - "$1" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
bad = 0
for i, cell in enumerate(nb["cells"]):
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            bad += 1
            print(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            bad += 1
            print(f"cell {i}: stderr: {''.join(out.get('text', ''))[:2000]}")
sys.exit(1 if bad else 0)
PY
}
