"""peer_outlier's IsolationForest fitted in a process that imported scikit-learn ahead.

`monitor detect` spends about 0.6 s of CPU at its start importing pandas and building the
catalogue on one core while the other idles, and peer_outlier's fleet stage then imports
scikit-learn (0.5-0.7 s of CPU, on a core that would otherwise take copied_data's parts). So the
command forks a small process first thing (`start`: only the standard library and click loaded
by then), which imports scikit-learn while the command starts up and then fits each group's forest
it is sent (`IsolationForest(**params).fit(x).score_samples(x)`, the same call with the same
parameters and rows as in `detectors.checks.peer`, so the same scores to the bit), through
`detectors.checks.peer.set_forest`. Anything amiss (no such process, it died, an answer that is
not for this question) and the forest is fitted where it is asked for, as before.

Nothing but the standard library is imported here: `start` runs before pandas is.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing as mp
import os
import signal
import sys
import traceback
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["ForestServer", "current", "start", "stop", "wanted"]

_SERVER: ForestServer | None = None


def wanted(args: Sequence[str]) -> bool:
    """Whether ``monitor detect ARGS`` may run peer_outlier in this process tree: not for help,
    not on Dask (its workers fit the forests), not when ``--detectors`` leaves it out. A rough
    reading of the arguments before click parses them (`start` is only worth it that early);
    the command stops the process once it knows better (`stop`)."""
    items = list(args)  # --db (or MONITOR_DB) runs the fleet stage in this process tree too
    if any(a in ("-h", "--help") or a == "--dask" or a.startswith("--dask=") for a in items):
        return False
    for k, a in enumerate(items):
        names = None
        if a == "--detectors" and k + 1 < len(items):
            names = items[k + 1]
        elif a.startswith("--detectors="):
            names = a.split("=", 1)[1]
        if names is not None and "peer_outlier" not in [n.strip() for n in names.split(",")]:
            return False
    return True


def start() -> ForestServer | None:
    """Fork the forest's process (once; None where there is no ``fork``)."""
    global _SERVER
    if _SERVER is None and "fork" in mp.get_all_start_methods():
        _SERVER = ForestServer(mp.get_context("fork"))
    return _SERVER


def current() -> ForestServer | None:
    """The process `start` forked, if it runs."""
    return _SERVER


def stop() -> None:
    """End the forest's process (killed: it may be importing still) and stop asking it."""
    global _SERVER
    if _SERVER is not None:
        peer = sys.modules.get("detectors.checks.peer")  # not imported for it
        if peer is not None:
            peer.set_forest(None)
        _SERVER.close()
        _SERVER = None


class ForestServer:
    """A forked process fitting IsolationForests for whichever process of the tree asks
    (`scores`: one question at a time, under a lock shared by the processes forked later)."""

    def __init__(self, context: Any) -> None:
        self.conn, there = context.Pipe()
        self.lock = context.Lock()
        self.ids = itertools.count()
        self.broken = False
        self.process = context.Process(target=_serve, args=(there,), daemon=True)
        self.process.start()
        there.close()

    def scores(self, params: Mapping[str, Any], x: Any) -> Any | None:
        """``-IsolationForest(**params).fit(x).score_samples(x)`` from the forest's process, or
        None when it cannot answer (the caller fits the forest itself)."""
        if self.broken:
            return None
        ask = (os.getpid(), next(self.ids))
        try:
            with self.lock:
                self.conn.send((ask, dict(params), x))
                answer, status, result = self.conn.recv()
        except (OSError, EOFError, ValueError):
            self.broken = True
            return None
        if answer != ask or status != "ok":
            self.broken = True
            return None
        return result

    def close(self) -> None:
        """Kill the process at once (whether it is importing, waiting or fitting)."""
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.process.pid is not None and self.process.is_alive():
            with contextlib.suppress(OSError):
                os.kill(self.process.pid, signal.SIGKILL)
        self.process.join(timeout=5.0)


def _serve(conn: Any) -> None:
    """The forest's process: import scikit-learn, then answer each question until the pipe
    closes."""
    try:
        from sklearn.ensemble import IsolationForest
    except Exception:  # no scikit-learn: every question answered "error"
        forest_class: Any = None
    else:
        forest_class = IsolationForest
    while True:
        try:
            ask, params, x = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if forest_class is None:
                raise RuntimeError("scikit-learn could not be imported")
            result = -forest_class(**params).fit(x).score_samples(x)
            conn.send((ask, "ok", result))
        except Exception:
            conn.send((ask, "error", traceback.format_exc()))
