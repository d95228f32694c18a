"""The notebook kernel's start-up: for each kernelspec named, started RUNS times (kernels taken in
turn, so a changing machine load spreads over all of them), the wall time from spawn to its
kernel_info reply, the CPU time (user + system) its process used by then, which a busy machine
changes much less, and the time of one small cell after.

    JUPYTER_PLATFORM_DIRS=1 .venv/bin/python bench/kernel_startup.py 6 tslab [other kernels...]

Other kernelspecs (an older launcher, say) can be put in a folder named by JUPYTER_PATH.
"""

import os
import statistics
import sys
import time

import jupyter_client

CELL = "const x: number = 1 + 1; x"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU time of a running process, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: kernel_startup.py RUNS KERNEL [KERNEL...]")
    runs = int(sys.argv[1])
    names = sys.argv[2:]
    results = {n: ([], [], []) for n in names}
    for _ in range(runs):
        for name in names:
            t0 = time.perf_counter()
            km, kc = jupyter_client.manager.start_new_kernel(kernel_name=name, startup_timeout=120)
            ready = time.perf_counter() - t0
            cpu = cpu_seconds(km.provisioner.process.pid)
            t1 = time.perf_counter()
            reply = kc.execute_interactive(CELL, timeout=60, output_hook=lambda m: None)
            cell = time.perf_counter() - t1
            if reply["content"]["status"] != "ok":
                sys.exit(f"{name}: the cell failed: {reply['content']}")
            kc.stop_channels()
            km.shutdown_kernel(now=True)
            for values, v in zip(results[name], (ready, cpu, cell)):
                values.append(v)
    print(f"load average {os.getloadavg()[0]:.2f} at the end; medians of {runs} starts")
    for name, (ready, cpu, cell) in results.items():
        print(
            f"{name:10s} ready {statistics.median(ready):.2f} s (min {min(ready):.2f}), "
            f"CPU by then {statistics.median(cpu):.2f} s (min {min(cpu):.2f}), "
            f"first cell {statistics.median(cell):.2f} s"
        )


if __name__ == "__main__":
    main()
