"""A cell rerun at once after it failed, as JupyterLab sends it (stop_on_error true).

Run by test/jupyter/kernel.e2e.ts with the project venv's Python. nbconvert cannot drive this: it
sends stop_on_error false for a cell allowed to fail, and stops at any other failing cell. Like the
browser loop test: a check cell runs, lib/layers/affine.ts is edited on disk so that affineForward throws,
the cell is rerun (it must fail with the edit's message), the file is restored within the same
second and the cell is rerun the moment its error reply arrives (it must print its result again),
then rerun once more. Last, "Run All" after a failure: three requests sent together, the first
fails, the two queued behind it are aborted. Prints one JSON object (the test checks it).
"""

import json
import pathlib

import jupyter_client

LAYERS = pathlib.Path(__file__).resolve().parents[2] / "lib" / "layers" / "affine.ts"
SETUP = "import { affineForward, linspace, reshape, relError, tensor } from './lib';"
CHECK = """const x = reshape(linspace(-0.1, 0.5, 240), [2, 4, 5, 6]);
const w = reshape(linspace(-0.2, 0.3, 360), [120, 3]);
const b = linspace(-0.3, 0.1, 3);
const [out] = affineForward(x, w, b);
console.log('out:', Array.from(out.data).map((v) => v.toFixed(4)).join(' '));"""
FAIL = "throw new Error('run all: first cell fails');"
LATER = "console.log('run all: a later cell ran');"


def main():
    original = LAYERS.read_text()
    edited = original.replace(
        "checkAffine('affineForward', x, w, b);",
        "checkAffine('affineForward', x, w, b);\n  throw new Error('affineForward was edited on disk');",
    )
    assert edited != original, "the affineForward line to edit was not found in lib/layers/affine.ts"
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="tslab", startup_timeout=120)

    def finish(msg_id):
        """The request's reply status and its stream and error output."""
        out = {"stdout": "", "stderr": "", "error": ""}
        while True:
            msg = kc.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                out[msg["content"]["name"]] += msg["content"]["text"]
            if msg["msg_type"] == "error":
                out["error"] += msg["content"]["evalue"]
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        while True:
            reply = kc.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                return {"status": reply["content"]["status"], **out}

    def run(code):
        return finish(kc.execute(code, stop_on_error=True))

    result = {}
    try:
        result["setup"] = run(SETUP)
        result["check"] = run(CHECK)
        LAYERS.write_text(edited)
        result["edited"] = run(CHECK)
        LAYERS.write_text(original)  # at once: the same second as the edit
        result["restored"] = run(CHECK)
        result["again"] = run(CHECK)
        ids = [kc.execute(code, stop_on_error=True) for code in (FAIL, LATER, LATER)]
        result["run_all"] = [finish(i) for i in ids]
        result["after_run_all"] = run(CHECK)
    finally:
        if LAYERS.read_text() != original:
            LAYERS.write_text(original)
        km.shutdown_kernel(now=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
