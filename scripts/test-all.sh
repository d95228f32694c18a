#!/usr/bin/env bash
# npm run test:all: the whole test suite from a fresh clone, doing its own set-up first.
#   1. system packages (OpenBLAS, Chromium), npm packages (builds the wasm and blas backends),
#      the project-local Jupyter venv
#   2. tsc --noEmit (strict) and the linter
#   3. vitest, once per compute backend that loads (blas, wasm, js)
#   4. every notebook executed by real nbconvert on the tslab kernel (reduced budget), and the
#      kernel's own test notebooks (test/kernel/: autoreload, interrupt, long output, errors)
#   5. assignment mode: the student version, its notebook, the grader, the submission zip
#   6. the notebook in JupyterLab driven by Chromium
# Ends with one line counting the tests that passed and failed across all steps.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mkdir -p artifacts
passed=0
failed=0
failures=()

step() {
  local name="$1"
  shift
  echo
  echo "==> $name: $*"
  local start=$SECONDS
  if "$@"; then
    echo "==> $name: ok ($((SECONDS - start)) s)"
  else
    echo "==> $name: FAILED ($((SECONDS - start)) s)"
    failures+=("$name")
    return 1
  fi
}

# Adds a vitest JSON report's counts to the totals.
count() {
  local counts
  counts=$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(r.numPassedTests, r.numFailedTests);
  ' "$1" 2>/dev/null) || {
    failed=$((failed + 1))
    return
  }
  passed=$((passed + ${counts% *}))
  failed=$((failed + ${counts#* }))
}

step setup-system bash scripts/setup-system.sh || exit 1
step npm-install npm install --no-audit --no-fund || exit 1
step setup-python bash scripts/setup-python.sh || exit 1
step typecheck npx tsc --noEmit && passed=$((passed + 1)) || failed=$((failed + 1))
step lint npx biome check . && passed=$((passed + 1)) || failed=$((failed + 1))

backends=$(npx tsx -e "console.log(require('./lib/kernels').availableBackends().join(' '))" 2>/dev/null | tail -n 1)
echo "compute backends on this machine: ${backends:-none found}"
for b in $backends; do
  report="artifacts/vitest-$b.json"
  rm -f "$report"
  CS231N_BACKEND=$b step "vitest[$b]" npx vitest run --reporter=default --reporter=json --outputFile.json="$report"
  count "$report"
done

if step notebooks bash scripts/test-notebooks.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

report=artifacts/vitest-kernel.json
rm -f "$report"
step kernel npx vitest run --config test/kernel/vitest.config.ts --reporter=default --reporter=json --outputFile.json="$report"
count "$report"

# (The student version made by npm run assignment has no test/assignment/.)
if [[ -f test/assignment/vitest.config.ts ]]; then
  report=artifacts/vitest-assignment.json
  rm -f "$report"
  step assignment npx vitest run --config test/assignment/vitest.config.ts --reporter=default --reporter=json --outputFile.json="$report"
  count "$report"
fi

report=artifacts/vitest-browser.json
rm -f "$report"
step browser npx vitest run --config test/browser/vitest.config.ts --reporter=default --reporter=json --outputFile.json="$report"
count "$report"

echo
[[ ${#failures[@]} -eq 0 ]] || echo "failed steps: ${failures[*]}"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 && ${#failures[@]} -eq 0 ]]
