"""Kernel > Interrupt as JupyterLab does it: jupyter_client's KernelManager.interrupt_kernel().

Run by test/jupyter/kernel.e2e.ts with the project venv's Python. Starts the tslab kernel, builds a
Solver in one cell, trains it in the next, interrupts the training after 3 s, then uses the solver
in a third cell. Prints one JSON object with what happened (the test checks it).
"""

import json
import time

import jupyter_client

SETUP = """import { Solver, TwoLayerNet, random } from './lib';
random.seed(0);
const data = {
  X_train: random.randn(500, 3, 8, 8),
  y_train: random.randint(0, 10, 500),
  X_val: random.randn(50, 3, 8, 8),
  y_val: random.randint(0, 10, 50),
};
const solver = new Solver(new TwoLayerNet({ inputDim: 192, hiddenDim: 50 }), data, {
  numEpochs: 100000,
  verbose: false,
});"""
TRAIN = "const startedAt = Date.now();\nsolver.train();"
AFTER = "console.log(solver.lossHistory.length > 0, typeof startedAt === 'number');"


def main():
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="tslab", startup_timeout=120)
    try:
        result = {}

        def reply(msg_id):
            while True:
                msg = kc.get_shell_msg(timeout=120)
                if msg["parent_header"].get("msg_id") == msg_id:
                    return msg["content"]

        def streams(msg_id):
            out = {"stdout": "", "stderr": ""}
            while True:
                msg = kc.get_iopub_msg(timeout=30)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "stream":
                    out[msg["content"]["name"]] += msg["content"]["text"]
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    return out

        setup = kc.execute(SETUP, stop_on_error=False)
        result["setup"] = reply(setup)["status"]
        streams(setup)

        train = kc.execute(TRAIN, stop_on_error=False)
        time.sleep(3)
        sent = time.monotonic()
        km.interrupt_kernel()
        result["train"] = reply(train)["status"]
        result["reply_ms"] = round((time.monotonic() - sent) * 1000)
        result["train_output"] = streams(train)

        after = kc.execute(AFTER, stop_on_error=False)
        result["after"] = reply(after)["status"]
        result["after_output"] = streams(after)
        result["alive"] = km.is_alive()
        print(json.dumps(result))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
