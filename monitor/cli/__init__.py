"""The `monitor` command line: a thin shell over the library.

Each command lives in its own module and is registered here; commands parse arguments, call one
library function, print, and turn domain errors into one line on stderr with exit code 1.
"""

from __future__ import annotations

import importlib
import os

import click

# Arrow's default pool (mimalloc) keeps the pages a large Parquet file's row groups freed for
# reuse, so a file read at the start keeps its peak through the whole run; the C library's
# allocator gives them back (the 100-outlet year as one Parquet file of mixed row groups:
# `monitor detect`'s main process 319 -> 268 MiB; CSV files and datasets alike either way). Set
# before pyarrow is first imported (it reads this once), inherited by the workers and Dask's local
# workers; an operator's own setting is kept.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

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
