"""Memory of ``monitor serve`` under concurrent oversized unauthenticated requests.

Starts ``monitor serve`` on 127.0.0.1 (a free port, a fresh SQLite database in a temporary folder)
in a subprocess, warms it up with a few ordinary requests, measures its resident memory (RSS)
while idle, then sends ``--requests`` (default 100) concurrent unauthenticated POSTs of ``--mb``
(default 50) MB each: half with a ``Content-Length`` header, half chunked
(``Transfer-Encoding: chunked``), alternately to the sign-in form (``/login``) and to a JSON API
write (``/api/leads/1/assign``). Each client streams its body in 64 KiB pieces until the server
answers or closes the connection, or the body is sent; every client stops after ``--timeout``
seconds (default 60), so the run ends by itself. The server's RSS is sampled every 10 ms from
before the first request until the last client ends, and the kernel's high-water mark of RSS
(``VmHWM``) is read before and after; the peak is printed against the idle baseline, with the
answers counted by status and the bytes the clients managed to send. A client whose connection
was reset was refused too: the server answered 413 and closed while it was still sending, and
the reset reached it before the answer.

Target: peak within 50 MB of idle.

Run: ``.venv/bin/python bench/bench_web_limits.py [--requests 100] [--mb 50]``
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

PIECE = 64 * 1024
MB = 1_000_000
TARGET_MB = 50.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    monitor = Path(sys.executable).with_name("monitor")
    env = {**os.environ, "MONITOR_WEB_SECRET": "bench-secret-0123456789abcdef"}
    return subprocess.Popen(
        [
            str(monitor),
            "serve",
            "--db",
            f"sqlite:///{folder / 'bench.db'}",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"monitor serve ended with {proc.returncode}: {err}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("monitor serve did not answer within 60 s")


def warm_up(port: int) -> None:
    """Ordinary traffic first, so lazily loaded code counts in the idle figure."""
    for _ in range(5):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as r:
            r.read()
        for path, ctype, body in (
            ("/login", "application/x-www-form-urlencoded", b"username=x&password=y&csrf=z"),
            ("/api/leads/1/assign", "application/json", b'{"note": "x"}'),
        ):
            req = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", data=body, headers={"Content-Type": ctype}
            )
            try:
                urllib.request.urlopen(req, timeout=10).read()
            except urllib.error.HTTPError as exc:
                exc.read()


def rss_mb(proc: psutil.Process) -> float:
    return proc.memory_info().rss / MB


def hwm_mb(pid: int) -> float | None:
    """The kernel's high-water mark of the process's RSS (Linux ``VmHWM``), None elsewhere."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / MB
    except OSError:
        pass
    return None


def one_request(port: int, i: int, size: int, deadline: float) -> tuple[str, int]:
    """One oversized POST; returns (the answer's status line or what ended it, bytes sent)."""
    chunked = i % 2 == 1
    path, ctype = (
        ("/login", "application/x-www-form-urlencoded")
        if (i // 2) % 2 == 0
        else ("/api/leads/1/assign", "application/json")
    )
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {ctype}\r\n"
    head += "Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {size}\r\n"
    sent = 0
    answer = b""
    piece = b"a" * PIECE
    framed = f"{PIECE:x}\r\n".encode() + piece + b"\r\n"
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            sock.sendall((head + "\r\n").encode())
            sock.setblocking(False)
            while sent < size and time.monotonic() < deadline:
                try:
                    got = sock.recv(4096)
                    if not got:
                        break
                    answer += got
                    break  # the server answered before the body was sent
                except BlockingIOError:
                    pass
                try:
                    n = sock.send(framed if chunked else piece)
                except BlockingIOError:
                    time.sleep(0.001)
                    continue
                if chunked and n < len(framed):  # keep the chunk framing whole
                    sock.setblocking(True)
                    sock.settimeout(max(0.1, deadline - time.monotonic()))
                    sock.sendall(framed[n:])
                    sock.setblocking(False)
                    n = len(framed)
                sent += PIECE if chunked else n
            sock.setblocking(True)
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            if sent >= size and chunked:
                sock.sendall(b"0\r\n\r\n")
            while b"\r\n" not in answer:
                got = sock.recv(4096)
                if not got:
                    break
                answer += got
    except OSError as exc:  # reset or closed by the server, or the deadline
        if b"\r\n" not in answer:
            return type(exc).__name__, sent
    status = answer.split(b"\r\n", 1)[0].decode(errors="replace") or "closed without answer"
    return status, sent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=100)
    ap.add_argument("--mb", type=float, default=50.0, help="body size of each request in MB")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds before clients stop")
    args = ap.parse_args()
    size = int(args.mb * MB)

    with tempfile.TemporaryDirectory(prefix="ow-bench-limits-") as tmp:
        port = free_port()
        server = start_server(Path(tmp), port)
        try:
            wait_ready(port, server)
            proc = psutil.Process(server.pid)
            warm_up(port)
            time.sleep(1.0)
            idle = max(rss_mb(proc) for _ in range(20) if time.sleep(0.05) is None)
            hwm_before = hwm_mb(server.pid)

            peak = idle
            stop = threading.Event()

            def sample() -> None:
                nonlocal peak
                while not stop.is_set():
                    peak = max(peak, rss_mb(proc))
                    time.sleep(0.01)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            deadline = time.monotonic() + args.timeout
            t0 = time.perf_counter()
            with ThreadPoolExecutor(args.requests) as pool:
                results = list(
                    pool.map(lambda i: one_request(port, i, size, deadline), range(args.requests))
                )
            elapsed = time.perf_counter() - t0
            time.sleep(0.5)
            stop.set()
            sampler.join()
            after = rss_mb(proc)
            hwm_after = hwm_mb(server.pid)
            alive = server.poll() is None
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()

    statuses = Counter(status for status, _ in results)
    sent_mb = sum(sent for _, sent in results) / MB
    print(f"monitor serve on 127.0.0.1:{port}, {args.requests} concurrent unauthenticated POSTs")
    print(f"  of {args.mb:g} MB each (half Content-Length, half chunked; /login and /api)")
    print(f"  answers: {dict(sorted(statuses.items()))}")
    print(f"  body bytes the clients got to send: {sent_mb:.1f} MB in all, in {elapsed:.2f} s")
    print(f"  RSS idle (baseline): {idle:8.1f} MB")
    print(f"  RSS peak under load: {peak:8.1f} MB  (+{peak - idle:.1f} MB over idle)")
    print(f"  RSS after:           {after:8.1f} MB  (server still running: {alive})")
    if hwm_before is not None and hwm_after is not None:
        print(
            f"  kernel RSS high-water mark (VmHWM, not sampled): {hwm_before:.1f} MB before the "
            f"load, {hwm_after:.1f} MB after (+{max(hwm_after, idle) - idle:.1f} MB over idle)"
        )
        if hwm_after > hwm_before:
            peak = max(peak, hwm_after)
    verdict = "PASS" if peak - idle <= TARGET_MB and alive else "FAIL"
    print(f"  target: peak within {TARGET_MB:g} MB of idle -> {verdict}")


if __name__ == "__main__":
    main()
