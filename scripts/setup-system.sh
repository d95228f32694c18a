#!/usr/bin/env bash
# System packages the tests use, from Debian's archive (needs root; idempotent):
#   chromium         the real browser the notebook test drives (test/browser) and that prints
#                    the submission PDF (npm run submit)
#   poppler-utils    pdftotext and pdfinfo, with which the assignment test reads that PDF
# No BLAS package: the `blas` compute backend links the OpenBLAS of PyPI's scipy-openblas32 wheel,
# installed into .venv by scripts/setup-python.sh (a system BLAS is only a fallback), so the tests
# exercise the path a clean machine takes.
# Without root, prints what to install and exits 0: the browser test then reports Chromium as missing.
set -euo pipefail
packages=(chromium poppler-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "[setup-system] ${packages[*]}: installed"
  exit 0
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "[setup-system] please install: ${missing[*]} (Debian: sudo apt-get install ${missing[*]})" >&2
  exit 0
fi
echo "[setup-system] installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "[setup-system] installed ${missing[*]}"
