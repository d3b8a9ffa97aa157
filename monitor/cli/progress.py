"""Progress of the long jobs on stderr (``simulate``, ``export``, ``detect`` and its import,
``db upgrade``): one ``--progress/--no-progress`` option (default: when stderr is a terminal) and
one :class:`Progress` that draws a bar when the amount of work is known and prints a line per
stage otherwise. Results and findings go to stdout, so progress never mixes with them.

Usage::

    @click.command()
    @progress_option
    def cmd(progress: bool | None) -> None:
        with Progress(progress) as p:
            p.stage("reading the file")
            p.start(len(outlets), "export")
            for mn in outlets:
                ...
                p.step()
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

import click

__all__ = ["Progress", "progress_option"]

F = TypeVar("F", bound=Callable[..., Any])


def progress_option(f: F) -> F:
    """``--progress/--no-progress`` (passed as ``progress``: None = when stderr is a terminal)."""
    return click.option(
        "--progress/--no-progress",
        default=None,
        help="Progress on stderr (default: when stderr is a terminal).",
    )(f)


class _Null:
    """A stream that swallows a bar that is not wanted."""

    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False


class Progress:
    """A bar (:meth:`start`, :meth:`step`) or stage lines (:meth:`stage`) on stderr, or nothing
    when ``show`` is False (None: when stderr is a terminal). Also usable as a listener: ``step``
    ignores its arguments, so it fits callbacks that pass the item done."""

    def __init__(self, show: bool | None = None) -> None:
        self.show = sys.stderr.isatty() if show is None else show
        self._bar: Any = None
        self._began = time.monotonic()

    def stage(self, text: str) -> None:
        """A line for a stage whose amount of work is not known, with the time so far."""
        self._close()
        if self.show:
            click.echo(f"{text} ({time.monotonic() - self._began:.1f} s)", err=True)

    def start(self, length: int, label: str) -> None:
        """A bar of ``length`` steps (the previous one is finished)."""
        self._close()
        self._bar = click.progressbar(
            length=max(0, length), label=label, file=sys.stderr if self.show else _Null()
        )
        self._bar.__enter__()

    def step(self, *_done: object, n: int = 1) -> None:
        """``n`` more steps of the current bar (no bar: nothing)."""
        if self._bar is not None:
            self._bar.update(n)

    def _close(self) -> None:
        if self._bar is not None:
            bar, self._bar = self._bar, None
            bar.__exit__(None, None, None)

    def finish(self) -> None:
        """End the current bar."""
        self._close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()
