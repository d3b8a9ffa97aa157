"""Page latency of the web application with a year of hourly data for 100 outlets (SQLite).

The store holds 100 outlets x 6 channels x 8,760 hours (5.26 M readings), 300 leads with their
findings and score ledger, 2,000 quarantined messages, one inspection draw. Each page and API
call is requested ``--repeat`` times through the application in process (FastAPI test client:
routing, session, queries, templates; no network), signed in as the administrator (who sees
everything, the most work) and, for the lead queue, as an inspector. Prints median and p95 in ms
against the 200 ms target; the baseline from the same run is the sign-in page (framework floor)
and reading the lead's outlet's whole year with ``Store.read_frame`` (what a chart that does not
limit itself to the lead's window would read).

The database is built once at ``--db`` (default /tmp/ow-bench-web.db) and reused.

Run: ``.venv/bin/python bench/bench_web.py [--repeat 30] [--rebuild]``
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

import monitor.store.user_models  # noqa: F401  (registers the users table)
from detectors.finding import Finding
from monitor.casework import inspections as insp
from monitor.casework.leads import record_findings
from monitor.casework.scoring import scores
from monitor.casework.staff import add_user
from monitor.registry import parse_registry
from monitor.store.store import Store, create_engine, create_schema
from monitor.web.app import create_app
from monitor.web.context import WebContext

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

N_OUTLETS, HOURS = 100, 8760
CHANNELS = {
    "w01018": 35.0,
    "w21003": 2.0,
    "w21011": 0.3,
    "w21001": 10.0,
    "w01001": 7.2,
    "w00000": 800.0,
}
DISTRICTS = ("Lintong", "Yanta", "Beilin", "Weiyang", "Baqiao")
START = pd.Timestamp("2025-11-29 00:00", tz="UTC")
PASSWORD = "bench password"


def mn(i: int) -> str:
    return f"6101150000{i:04d}"


def registry_toml() -> str:
    parts = []
    for i in range(N_OUTLETS):
        parts.append(
            f'[[site]]\nmn = "{mn(i)}"\nenterprise = "E{i // 2:04d}"\nname = "Outlet {i}"\n'
            f'district = "{DISTRICTS[i % len(DISTRICTS)]}"\npassword = "123456"\n'
            "[site.pollutants.w01018]\nlimit = 50.0\n[site.pollutants.w21003]\nlimit = 5.0\n"
            "[site.pollutants.w01001]\nlimit = [6.0, 9.0]\n"
        )
    return "\n".join(parts)


def build(path: Path) -> None:
    """Fill a fresh database at ``path`` (bulk insert straight through sqlite3 for speed, in the
    exact format the store writes)."""
    t0 = time.perf_counter()
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    create_schema(engine)
    engine.dispose()
    rng = np.random.default_rng(1)
    ts = pd.date_range(START, periods=HOURS, freq="h")
    ts_text = ts.strftime("%Y-%m-%d %H:%M:%S.%f").tolist()
    received = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    sql = (
        "INSERT INTO readings (mn, pollutant, kind, ts, value, min, max, cou, flag, received_at, qn)"
        " VALUES (?,?,?,?,?,NULL,NULL,NULL,?,?,?)"
    )
    for i in range(N_OUTLETS):
        rows = []
        for code, level in CHANNELS.items():
            values = level * np.exp(rng.normal(0, 0.15, HOURS))
            flags = np.where(rng.random(HOURS) < 0.01, "M", "N")
            for k in range(HOURS):
                rows.append(
                    (
                        mn(i),
                        code,
                        "hour",
                        ts_text[k],
                        round(float(values[k]), 3),
                        str(flags[k]),
                        received,
                        f"Q{k}",
                    )
                )
        con.executemany(sql, rows)
        con.commit()
    con.close()
    registry = parse_registry(registry_toml())
    store = Store(url)
    from ingest.sink import Rejected

    bad = [
        Rejected(
            datetime(2026, 6, 1, tzinfo=UTC) + pd.Timedelta(minutes=j),
            f"hj212/{mn(j % N_OUTLETS)}",
            f"##0099QN={j};MN={mn(j % N_OUTLETS)};<b>bad</b>{j}".encode(),
            ("crc", "frame", "unknown_mn", "conflict")[j % 4],
            "detail",
            mn(j % N_OUTLETS),
        )
        for j in range(2000)
    ]
    store.commit_batch([], bad)
    findings = []
    for j in range(300):
        i = int(rng.integers(0, N_OUTLETS))
        start = START + pd.Timedelta(hours=int(rng.integers(24, HOURS - 72)))
        findings.append(
            Finding(
                detector=("exceedance", "frozen", "completeness")[j % 3],
                category=("exceedance", "integrity", "completeness")[j % 3],  # type: ignore[arg-type]
                mn=mn(i),
                pollutant="w01018" if j % 3 != 2 else None,
                start=start,
                end=start + pd.Timedelta(hours=int(rng.integers(3, 48))),
                severity=("low", "medium", "high")[int(rng.integers(0, 3))],  # type: ignore[arg-type]
                confidence=0.9,
                summary=f"synthetic finding {j}",
                evidence={"j": j},
            )
        )
    with Session(store.engine) as s, s.begin():
        record_findings(s, findings, registry)
        add_user(s, "admin", PASSWORD, role="admin")
        add_user(s, "wang", PASSWORD, role="inspector", district="Lintong")
        inspectors = [insp.Inspector(f"I{k}", d) for k, d in enumerate(DISTRICTS * 2)]
        insp.record_draw(s, insp.draw(scores(s, None, registry), "2026-11", 1, inspectors))
    store.close()
    print(f"built {path} in {time.perf_counter() - t0:.0f} s")


def measure(client: TestClient, path: str, repeat: int) -> tuple[float, float, int]:
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = client.get(path)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(r.content)


def login(client: TestClient, user: str) -> TestClient:
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    r = client.post(
        "/login",
        data={"username": user, "password": PASSWORD, "csrf": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    return client


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=Path("/tmp/ow-bench-web.db"))
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    if args.rebuild or not args.db.exists():
        for p in args.db.parent.glob(args.db.name + "*"):
            p.unlink()
        build(args.db)
    url = f"sqlite:///{args.db}"
    registry = parse_registry(registry_toml())
    engine = create_engine(url)
    ctx = WebContext(engine, lang="zh", registry=registry)
    app = create_app(ctx, secret="bench-secret-0123456789abcdef")
    admin = login(TestClient(app), "admin")
    inspector = login(TestClient(app), "wang")
    store = Store(engine, create=False)
    n = store.engine.connect().exec_driver_sql("SELECT max(id) FROM readings").scalar()
    with Session(engine) as s:
        from monitor.store.casework_models import LeadRow
        from monitor.store.models import QuarantineRow

        lead = s.query(LeadRow).order_by(LeadRow.id).first()
        q = s.query(QuarantineRow).order_by(QuarantineRow.id.desc()).first()
        assert lead is not None and q is not None
        lead_id, lead_mn, enterprise, q_id = lead.id, lead.mn, lead.enterprise, q.id
    first = START.tz_convert("Asia/Shanghai") + pd.Timedelta(days=1)
    day = [(first + pd.Timedelta(days=n)).strftime("%Y-%m-%d") for n in (0, 30, 365)]
    print(
        f"store: {n:,} readings, {N_OUTLETS} outlets, {HOURS} h each; lead #{lead_id} on {lead_mn}"
    )
    pages = [
        ("overview /", admin, "/"),
        ("lead queue /leads", admin, "/leads"),
        ("lead queue, inspector", inspector, "/leads?status="),
        ("lead queue, filtered", admin, "/leads?district=Yanta&category=integrity&status="),
        ("lead detail + chart", admin, f"/leads/{lead_id}"),
        ("lead raw data", admin, f"/leads/{lead_id}/readings"),
        ("outlet, 7 days", admin, f"/outlets/{lead_mn}"),
        ("outlet, 31 days", admin, f"/outlets/{lead_mn}?from={day[0]}&to={day[1]}"),
        ("outlet, 366 days (most)", admin, f"/outlets/{lead_mn}?from={day[0]}&to={day[2]}"),
        ("enterprise", admin, f"/enterprises/{enterprise}"),
        ("inspections", admin, "/inspections"),
        ("inspections CSV", admin, "/inspections/2026-11.csv"),
        ("quarantine", admin, "/quarantine"),
        ("quarantine item", admin, f"/quarantine/{q_id}"),
        ("API leads", admin, "/api/leads"),
        ("API lead detail", admin, f"/api/leads/{lead_id}"),
        ("API lead readings", admin, f"/api/leads/{lead_id}/readings"),
        ("API enterprise", admin, f"/api/enterprises/{enterprise}"),
        ("API health", admin, "/api/health"),
    ]
    print(
        f"{'page':28} {'median ms':>10} {'p95 ms':>8}  (target < 200 ms, {args.repeat} requests each)"
    )
    worst = 0.0
    for name, client, path in pages:
        med, p95, size = measure(client, path, args.repeat)
        worst = max(worst, p95)
        verdict = "ok" if p95 < 200 else "SLOW"
        print(f"{name:28} {med:10.1f} {p95:8.1f}  {verdict:4}  {size / 1024:8.0f} KiB")
    floor = measure(admin, "/login", args.repeat)
    t = time.perf_counter()
    for _ in range(5):
        whole = store.read_frame(lead_mn, kinds=("hour",))
    naive = (time.perf_counter() - t) / 5 * 1000
    print(
        f"baseline: sign-in page (framework floor) median {floor[0]:.1f} ms; "
        f"read_frame of the outlet's whole year ({len(whole):,} rows) {naive:.0f} ms"
    )
    print(
        f"worst p95 {worst:.1f} ms: {'all pages under 200 ms' if worst < 200 else 'some pages over 200 ms'}"
    )


if __name__ == "__main__":
    main()
