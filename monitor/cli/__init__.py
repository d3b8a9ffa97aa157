"""The `monitor` command line: a thin shell over the library.

Each command lives in its own module and is registered here; commands parse arguments, call one
library function, print, and turn domain errors into one line on stderr with exit code 1.
"""

from __future__ import annotations

import importlib
import os
from typing import Final

import click

#: Arrow's memory pool (mimalloc) told to give freed pages back at once rather than keep them for
#: reuse: a large Parquet file's row groups otherwise leave their peak in the process for the
#: whole run. Measured on the 100-outlet year (2026-12-05, quiet machine, peak RSS of the main
#: process): one Parquet file of mixed row groups 316 -> 283 MiB, the CSV file 284-289 -> 271-273
#: MiB at the same wall time (5.84-6.17 s against 5.88-6.14 s). The C library's allocator
#: (ARROW_DEFAULT_MEMORY_POOL=system) saved more on the Parquet file (265 MiB) but cost the CSV
#: file 0.5 s of page faults. Set before pyarrow is first imported (mimalloc reads them once),
#: inherited by the workers and Dask's local workers; an operator's own settings are kept.
ARROW_POOL_ENV: Final = {
    "MIMALLOC_PURGE_DELAY": "0",  # mimalloc 2.1 and later
    "MIMALLOC_RESET_DELAY": "0",  # the same, as earlier versions name it
    "MIMALLOC_ARENA_EAGER_COMMIT": "0",
}
for _name, _value in ARROW_POOL_ENV.items():
    os.environ.setdefault(_name, _value)

#: (module, attribute) of each top-level command, imported lazily so `monitor --help` stays fast and
#: one broken optional dependency does not take every command down.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("monitor.cli.demo", "demo"),
    "db": ("monitor.cli.db", "db"),
    "export": ("monitor.cli.export", "export"),
    "alerts": ("monitor.cli.alerts", "alerts"),
    "inspections": ("monitor.cli.inspections", "inspections"),
    "score": ("monitor.cli.score", "score"),
    "leads": ("monitor.cli.leads", "leads"),
    "triage": ("monitor.cli.triage", "triage"),
    "complaints": ("monitor.cli.complaints", "complaints"),
    "results": ("monitor.cli.results", "results"),
    "comparison": ("monitor.cli.comparison", "comparison"),
    "operators": ("monitor.cli.operators", "operators"),
    "hj212": ("monitor.cli.hj212", "hj212"),
    "ingest": ("monitor.cli.ingest", "ingest"),
    "gateway": ("monitor.cli.gateway", "gateway"),
    "detect": ("monitor.cli.detect", "detect"),
    "simulate": ("monitor.cli.simulate", "simulate"),
    "users": ("monitor.cli.users", "users"),
    "serve": ("monitor.cli.serve", "serve"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr = COMMANDS[cmd_name]
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="outlet-watch")
def main() -> None:
    """outlet-watch: off-site supervision of discharge outlets.

    \b
    Example:
      monitor demo
    """


if __name__ == "__main__":
    main()
