"""Real services for tests, on 127.0.0.1 and free ports; pytest fixtures are in ``tests/conftest.py``.

Fixtures (stable names, reuse them):

``mosquitto`` (session) -> :class:`MosquittoService`
    A real Mosquitto with a generated config: persistence on (its own data dir), ``max_queued_messages``
    raised to 1,000,000, ``max_inflight_messages`` 1,000 for MQTT 3.1.1 clients, anonymous access,
    one listener on ``127.0.0.1:<port>``. Attributes ``host``, ``port``, ``url`` (``mqtt://h:p``),
    ``data_dir``; methods ``stop()`` (SIGTERM: Mosquitto saves its persistence file), ``kill()``
    (SIGKILL), ``start()``, ``restart()``, ``is_running()``. A test that stops or kills it must
    start it again (the fixture restarts it between tests if it is down). Use a unique topic and
    client id per test: the broker is shared by the whole session.
``amqtt_broker`` (session) -> :class:`AmqttService`
    The embedded broker of ``monitor.simulation.broker`` as a subprocess (MQTT 3.1.1 only; queues kept
    in memory only, so a restart loses queued messages). Same attributes and methods as above.
``postgres_server`` (session) -> :class:`PostgresService`
    A throw-away PostgreSQL cluster (initdb + pg_ctl as user ``postgres`` via runuser, trust auth,
    ``fsync=off``) on ``127.0.0.1:<port>``. ``url`` is the ``postgres`` database;
    ``new_database() -> str`` creates an empty database and returns its URL.
``postgres_url`` (session) -> str
    ``postgresql+psycopg://postgres@127.0.0.1:<port>/outlet_watch_test`` (a database shared by the
    session: tests must use distinct MNs or drop what they create).
``fresh_postgres_url`` (function) -> str
    A new empty database per test on the same server.
``sqlite_url`` (function) -> str
    ``sqlite:///<tmp_path>/outlet-watch.db`` (the file does not exist yet).
``http_server`` (function) -> ``(url, WebhookRecorder)``
    A real HTTP server on 127.0.0.1 recording the JSON bodies POSTed to it (webhook alerts).
``db_url`` (function, parametrised ``sqlite`` / ``postgresql``) -> str
    A fresh empty database of each dialect; a test using it runs once per dialect.

A missing binary (mosquitto, initdb, pg_ctl, runuser) skips the tests that need it with the reason;
with ``CI=true`` in the environment it fails them instead (CI must run everything).
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "AmqttService",
    "MosquittoService",
    "PostgresService",
    "WebhookRecorder",
    "free_port",
    "require_binary",
    "wait_for_port",
]

HOST = "127.0.0.1"


def free_port(host: str = HOST) -> int:
    """A TCP port that is free right now on ``host``."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def wait_until(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Poll ``predicate`` every 0.05 s until it holds; AssertionError naming ``what`` on timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def wait_for_port(
    host: str, port: int, timeout_s: float = 15.0, proc: subprocess.Popen | None = None
) -> None:
    """Block until ``host:port`` accepts TCP connections; RuntimeError on timeout or early exit."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {host}:{port} opened")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{host}:{port} did not open within {timeout_s} s")


def require_binary(name: str) -> str:
    """Path of ``name`` on PATH, in the sbin folders or in Debian's PostgreSQL folders
    (``/usr/lib/postgresql/NN/bin``, newest first); skip the test when missing, fail it when
    CI=true."""
    postgres = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    extra = ":".join(["/usr/sbin", "/usr/local/sbin", "/sbin", *postgres])
    path = shutil.which(name) or shutil.which(name, path=extra)
    if path is None:
        reason = f"{name} is not installed (needed for this integration test)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI=true requires every service", pytrace=False)
        pytest.skip(reason)
    return path


def _version_key(folder: str) -> tuple[int, ...]:
    digits = Path(folder).parent.name
    return tuple(int(x) for x in digits.split(".") if x.isdigit())


class _ProcessService:
    """A broker process on a fixed port with start/stop/kill/restart."""

    name = "service"

    def __init__(self, port: int, data_dir: Path) -> None:
        self.host = HOST
        self.port = port
        self.data_dir = data_dir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://{self.host}:{self.port}"

    def _command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        """Start the process (no-op if running) and wait until its port accepts connections."""
        if self.is_running():
            return
        log = (self.data_dir / f"{self.name}.log").open("ab")
        self.proc = subprocess.Popen(self._command(), stdout=log, stderr=subprocess.STDOUT)
        log.close()
        try:
            wait_for_port(self.host, self.port, proc=self.proc)
        except RuntimeError as exc:
            tail = (self.data_dir / f"{self.name}.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{self.name} did not start: {exc}\n{tail}") from exc

    def is_running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout_s: float = 15.0) -> None:
        """Graceful stop (SIGTERM) and wait."""
        if self.is_running():
            assert self.proc is not None
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        """Abrupt stop (SIGKILL)."""
        if self.is_running():
            assert self.proc is not None
            self.proc.kill()
            self.proc.wait()

    def restart(self) -> None:
        """Graceful stop, then start on the same port with the same data."""
        self.stop()
        self.start()


class MosquittoService(_ProcessService):
    """Mosquitto with a generated config and persistence in ``data_dir``."""

    name = "mosquitto"

    def __init__(self, binary: str, port: int, data_dir: Path, extra_conf: str = "") -> None:
        """``extra_conf`` is appended to the generated config (it applies to the one listener:
        e.g. ``cafile``/``certfile``/``keyfile`` for TLS, ``password_file`` for auth)."""
        super().__init__(port, data_dir)
        self.binary = binary
        self.conf_path = data_dir / "mosquitto.conf"
        user = "user root\n" if os.geteuid() == 0 else ""
        self.conf_path.write_text(
            f"{user}"
            f"listener {port} {HOST}\n"
            f"allow_anonymous {'false' if 'password_file' in extra_conf else 'true'}\n"
            "persistence true\n"
            f"persistence_location {data_dir}/\n"
            "autosave_interval 60\n"
            "max_queued_messages 1000000\n"
            "max_queued_bytes 0\n"
            "max_inflight_messages 1000\n"
            "persistent_client_expiration 1d\n"
            "set_tcp_nodelay true\n"
            "log_dest stderr\n"
            "log_type error\nlog_type warning\nlog_type notice\n" + extra_conf
        )

    def _command(self) -> list[str]:
        return [self.binary, "-c", str(self.conf_path)]


class AmqttService(_ProcessService):
    """``python -m monitor.simulation.broker`` as a subprocess."""

    name = "amqtt"

    def _command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "monitor.simulation.broker",
            "--host",
            self.host,
            "--port",
            str(self.port),
        ]


class PostgresService:
    """A throw-away PostgreSQL cluster run as user ``postgres``."""

    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.port = port
        self.data = root / "data"
        self._names = itertools.count(1)

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@{HOST}:{self.port}/{database}"

    def _run(self, *argv: str) -> None:
        argv = (require_binary(argv[0]), *argv[1:])  # Debian keeps them off PATH
        cmd = ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else list(argv)
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr or done.stdout}")

    def start(self) -> None:
        """initdb (once) and start the server; return when it accepts connections."""
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        opts = f"-p {self.port} -k {self.root} -c listen_addresses={HOST} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "pg.log"),
            "-o",
            opts,
            "-w",
            "start",
        )
        wait_for_port(HOST, self.port)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def new_database(self, prefix: str = "t") -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        import psycopg

        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(
            f"host={HOST} port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url_for(name)


def make_postgres() -> PostgresService:
    """Create the cluster directory owned by ``postgres`` and start the server."""
    for name in ("initdb", "pg_ctl", *(("runuser",) if os.geteuid() == 0 else ())):
        require_binary(name)
    root = Path(tempfile.mkdtemp(prefix="ow-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    service = PostgresService(root, free_port())
    service.start()
    return service


class WebhookRecorder:
    """A real HTTP server on 127.0.0.1 that records every POSTed JSON body.

    ``requests`` holds ``(path, query, body)``; the server answers with the status codes of
    ``plan`` in turn (then 200) and the JSON ``reply``.
    """

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, list[str]], Any]] = []
        self.plan: list[int] = []
        self.reply: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                parts = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(parts.query)
                recorder.requests.append((parts.path, query, json.loads(body)))
                code = recorder.plan.pop(0) if recorder.plan else 200
                data = json.dumps(recorder.reply).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self.url = f"http://{HOST}:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    @property
    def bodies(self) -> list[Any]:
        return [body for _, _, body in self.requests]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def prometheus_samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """A Prometheus exposition as (sample name, sorted labels) -> value, parsed by
    prometheus_client's own parser (so a test does not depend on number formatting)."""
    from prometheus_client.parser import text_string_to_metric_families

    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
