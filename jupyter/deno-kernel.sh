#!/bin/sh
# Starts Deno's Jupyter kernel for this repository: the "deno" kernelspec that
# scripts/setup-python.sh registers in .venv runs this with the connection file.
#
# - The kernel runs at the repository root, as the tslab kernel does, so notebooks import './lib';
#   deno.json there turns on the directory and extension-less imports lib/ uses (sloppy imports)
#   and has Deno use node_modules as npm installed it.
# - Deno's module cache goes to node_modules/.cache/deno (DENO_DIR), not ~/.cache, and Deno never
#   looks for a newer release (DENO_NO_UPDATE_CHECK): nothing is downloaded.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
conn="$(realpath "$1")"
cd "$root"
DENO_DIR="$root/node_modules/.cache/deno" DENO_NO_UPDATE_CHECK=1 \
  exec "$root/node_modules/.bin/deno" jupyter --kernel --conn "$conn"
