"""A main process for the tests that must kill or interrupt the process driving a pool.

``python -m tests.execution.procs_driver SCENARIO DIR METHOD`` starts a pool (or a
ProcessPerTask) whose tasks report their pids to the FIFO ``DIR/report`` and block on
``DIR/release``; the driver prints its workers' pids (``pids 1 2``), then:

* ``hold``: waits for outcomes until it is killed;
* ``interrupt``: as ``hold``; a Ctrl+C ends it through KeyboardInterrupt;
* ``graceful`` (one worker): the first Ctrl+C calls ``stop()``; the running task finishes,
  the queued one is dropped; the driver prints ``finished <keys> dropped <keys>``;
* ``per_task``: as ``hold`` with two ProcessPerTask children.
"""

from __future__ import annotations

import pickle
import signal
import sys
from pathlib import Path

from pypet.execution.procs import ProcessPerTask, WorkerPool
from tests.execution import procs_helpers as h


def main(scenario: str, folder: str, method: str) -> None:
    report, release = str(Path(folder) / "report"), str(Path(folder) / "release")
    start_method = None if method == "auto" else method
    if scenario == "per_task":
        runner = ProcessPerTask(2, start_method=start_method, picklable=True)
        runner.submit(h.run_blocking, (report, release), key="running")
        runner.submit(h.run_blocking, (report, release), key="second")
    else:
        # one worker: the second task waits in the queue while the first blocks
        runner = WorkerPool(1 if scenario == "graceful" else 2, h.act, initializer=h.init,
                            payload=pickle.dumps({}), start_method=start_method)
        runner.submit(("block", (report, release)), key="running")
        runner.submit(("value", 1), key="queued-behind")
    stop_requested = []

    def graceful_stop(*_: object) -> None:
        stop_requested.append(runner.stop())
        print("stopping", flush=True)

    if scenario == "graceful":
        signal.signal(signal.SIGINT, graceful_stop)
    with runner:
        print("pids", *runner.pids, flush=True)
        finished = []
        while not runner.idle:
            finished += [o.key for o in runner.wait() if o.ok]
        if scenario == "graceful":
            print("finished", *sorted(finished), "dropped", *sum(stop_requested, []),
                  flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
