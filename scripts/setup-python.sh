#!/usr/bin/env bash
# Project-local Python/Jupyter set-up (npm run setup:python).
#
# Creates .venv (python3 -m venv), installs the pinned requirements-jupyter.txt (JupyterLab,
# nbconvert, nbclient, ipykernel, numpy, plotly with its offline JupyterLab renderer) and
# requirements-blas.txt (the OpenBLAS wheel the `blas` backend links against), registers the tslab
# kernel and Deno's kernel inside the venv only (never in ~/.local or /usr/share), and rebuilds the
# `blas` addon against the wheel when it was built before the venv existed (npm install runs first
# on a fresh clone). Nothing global changes.
#
# Idempotent and quick when already done: pip runs only when requirements-jupyter.txt, the Python
# version or the repository path changed (a venv is not relocatable, so a moved clone gets a fresh
# one); the kernelspecs are rewritten on every run, so they always point at this clone's launchers
# (jupyter/kernel/tslabKernel.ts, jupyter/deno-kernel.sh).
#
# Environment: PYTHON (default python3) picks the interpreter used to create the venv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
REQS="$ROOT/requirements-jupyter.txt"
REQS_BLAS="$ROOT/requirements-blas.txt"
STAMP="$VENV/.setup-stamp"
PYTHON="${PYTHON:-python3}"
TSX="$ROOT/node_modules/.bin/tsx"
# The kernel starts through this launcher (repository root as cwd, tslab's patches); see the file.
LAUNCHER="$ROOT/jupyter/kernel/tslabKernel.ts"

log() { printf '[setup-python] %s\n' "$*" >&2; }

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  log "error: $PYTHON not found; install Python >= 3.10 (Debian: apt-get install python3 python3-venv)"
  exit 1
fi

want_stamp="$(
  {
    "$PYTHON" -c 'import sys; print(sys.version)'
    echo "$VENV"
    cat "$REQS" "$REQS_BLAS"
  } | sha256sum | cut -d' ' -f1
)"

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want_stamp" && -x "$VENV/bin/jupyter" ]]; then
  log "venv up to date ($VENV)"
else
  if [[ -d "$VENV" ]]; then
    log "requirements, Python or location changed: recreating $VENV"
    rm -rf "$VENV"
  fi
  log "creating $VENV with $("$PYTHON" --version 2>&1)"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  log "installing requirements-jupyter.txt and requirements-blas.txt"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQS" -r "$REQS_BLAS"
  # Written last (temp + rename): a half-finished install never looks finished.
  echo "$want_stamp" >"$STAMP.tmp"
  mv "$STAMP.tmp" "$STAMP"
fi

# The offline plotly renderer must be there: JupyterLab draws application/vnd.plotly.v1+json with it.
if [[ ! -f "$VENV/share/jupyter/labextensions/jupyterlab-plotly/package.json" ]]; then
  log "error: the jupyterlab-plotly extension is missing from $VENV (plotly package broken?)"
  exit 1
fi

if [[ ! -x "$TSX" || ! -d "$ROOT/node_modules/tslab" ]]; then
  log "error: tsx or tslab missing from $ROOT/node_modules; run npm install first"
  exit 1
fi

# Register tslab (and its jslab twin) in the venv: .venv/share/jupyter/kernels/{tslab,jslab}, as
# `tslab install --sys-prefix` would, with the command of jupyter/kernel/kernelspec.ts (node, its
# GC flag and tsx running the launcher). Regenerated every time so the absolute paths to this
# clone's launcher are always right.
"$TSX" "$ROOT/jupyter/kernel/kernelspec.ts" "$VENV/share/jupyter/kernels" >/dev/null
spec="$VENV/share/jupyter/kernels/tslab/kernel.json"
if ! grep -qF "\"$LAUNCHER\"" "$spec"; then
  log "error: $spec does not point at $LAUNCHER"
  exit 1
fi
log "tslab kernel registered: $spec"

# Deno's kernel (the npm package deno) beside it: .venv/share/jupyter/kernels/deno, started through
# jupyter/deno-kernel.sh (repository root as cwd, deno.json). Written atomically, every time.
DENO="$ROOT/node_modules/.bin/deno"
if [[ ! -x "$DENO" ]]; then
  log "error: $DENO not found; run npm install first"
  exit 1
fi
deno_dir="$VENV/share/jupyter/kernels/deno"
mkdir -p "$deno_dir"
cat >"$deno_dir/kernel.json.tmp" <<JSON
{
  "argv": ["$ROOT/jupyter/deno-kernel.sh", "{connection_file}"],
  "display_name": "TypeScript (Deno)",
  "language": "typescript"
}
JSON
mv "$deno_dir/kernel.json.tmp" "$deno_dir/kernel.json"
log "deno kernel registered: $deno_dir/kernel.json ($("$DENO" --version | head -1))"

# The blas addon links the OpenBLAS wheel now in the venv; rebuilt only when it does not yet (quick
# otherwise). A failed build never fails the set-up: the library falls back to the next backend.
node "$ROOT/scripts/build-backends.js" --native --if-not-wheel >&2
