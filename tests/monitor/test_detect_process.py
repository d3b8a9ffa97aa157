"""`monitor detect` as its own process: it ends without the interpreter's teardown once done
(`monitor.cli.detect._exit_now`), with everything written and status 0; in another program's
process (a test's CliRunner) it returns as before."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.cli.detect import _exit_now
from monitor.simulation.fleet import write_simulation
from monitor.simulation.simulator import simulate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sim_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim")
    write_simulation(simulate(12, 40, 3), out)
    return out


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    """This Python run on ``args`` in a process of its own, from the repository's root."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def _own_process(*args: str) -> subprocess.CompletedProcess[str]:
    return _python("-m", "monitor.cli", "detect", "--no-progress", *args)


@pytest.mark.parametrize("detectors", [None, "exceedance,peer_outlier", "exceedance"])
def test_its_own_process_writes_everything_and_ends_with_status_0(
    sim_dir: Path, tmp_path: Path, detectors: str | None
) -> None:
    sites = tmp_path / "sites.toml"
    text = (sim_dir / "sites.toml").read_text()
    sites.write_text(text[: text.index("[[site]]", 10)])  # one site: the others warned about
    args = ["--readings", str(sim_dir / "readings.csv"), "--sites", str(sites)]
    if detectors is not None:
        args += ["--detectors", detectors]
    done = _own_process(*args)
    here = CliRunner().invoke(main, ["detect", "--no-progress", *args])
    assert here.exit_code == 0, here.stderr
    assert done.returncode == 0, done.stderr
    assert done.stdout == here.stdout  # every finding written before the early end
    assert "warning: 11 outlet(s) not in" in done.stderr  # and what followed them
    assert done.stderr == here.stderr


def test_a_failing_run_keeps_its_status(tmp_path: Path) -> None:
    done = _own_process("--readings", str(tmp_path / "none.csv"), "--sites", str(tmp_path / "x"))
    assert done.returncode != 0
    assert done.stdout == ""


def test_in_another_programs_process_it_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # as a runner's captured stream
    _exit_now()  # returns: this test goes on
    monkeypatch.setattr(sys, "stdout", sys.__stdout__)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    _exit_now()


def test_it_returns_while_a_thread_that_is_not_a_daemon_runs() -> None:
    """A worker thread still running (a pool's, a writer's) is joined by the usual exit: the
    early end must not cut it off (reviewer-D D12). Run in a process of its own, with its own
    standard streams, so that an early end shows as a missing line, not as this test's end."""
    script = (
        "import threading\n"
        "from monitor.cli.detect import _exit_now\n"
        "release = threading.Event()\n"
        "worker = threading.Thread(target=release.wait, daemon=False)\n"
        "worker.start()\n"
        "_exit_now()\n"
        "print('returned', worker.is_alive(), flush=True)\n"
        "release.set()\n"
        "worker.join()\n"
        "print('joined', flush=True)\n"
    )
    done = _python("-c", script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["returned True", "joined"]


def test_as_its_own_process_it_ends_there_after_the_exit_handlers() -> None:
    """reviewer-F: nothing above fails if `_exit_now` always returned. In a process of its own,
    with no other thread and its own standard streams, it ends the process at once with status
    0, after the exit handlers ran and what was written was flushed: the line after it is never
    printed."""
    script = (
        "import atexit\n"
        "from monitor.cli.detect import _exit_now\n"
        "atexit.register(lambda: print('exit handler', flush=True))\n"
        "print('before')\n"  # left in the buffer (stdout is a pipe): flushed by _exit_now
        "_exit_now()\n"
        "print('after', flush=True)\n"
    )
    done = _python("-c", script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n") == ["before", "exit handler", ""]
