"""nbconvert's ExecutePreprocessor, waiting for the output a kernel sends after "idle".

Deno's Jupyter kernel (2.9) forwards console output and Deno.jupyter.broadcast messages on iopub
from a queue of their own, apart from the kernel's status messages, so a cell's last few outputs
can arrive just after the cell's "idle" status (measured: lines printed in the last milliseconds
of a cell, about one cell in three). nbclient stops reading a cell's iopub messages at "idle" and
drops what comes later for that cell. This preprocessor reads on until the cell's messages have
been quiet for `late_output_wait` seconds, then goes to the next cell; everything else is
nbclient's. scripts/common/jupyter.ts uses it for the Deno kernel only.
"""

import time
from queue import Empty

from jupyter_core.utils import ensure_async
from nbclient.exceptions import CellExecutionComplete
from nbconvert.preprocessors import ExecutePreprocessor
from traitlets import Float


class LateOutputExecutePreprocessor(ExecutePreprocessor):
    late_output_wait = Float(
        0.3,
        help="Seconds of quiet after a cell's idle status before the next cell runs.",
    ).tag(config=True)

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        assert self.kc is not None
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                break
        quiet_until = time.monotonic() + self.late_output_wait
        while True:
            left = quiet_until - time.monotonic()
            if left <= 0:
                return
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=left))
            except Empty:
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                pass
            quiet_until = time.monotonic() + self.late_output_wait
