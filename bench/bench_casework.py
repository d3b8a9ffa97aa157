"""Casework cost on SQLite: findings -> leads -> scores, as live detection would call it.

Prints, for 2,000 outlets (1,000 enterprises) and 10,000 findings:
- ``record_findings`` of all findings in batches of 50 (the live-detection shape), findings/s;
- the same batches again (idempotent re-run: nothing new), findings/s;
- ``scores`` for every enterprise of the registry, ms;
- baseline from the same run: a plain bulk INSERT of the same finding rows (no merging, no leads).

Run: ``.venv/bin/python bench/bench_casework.py``
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from detectors.finding import Finding
from monitor.casework.leads import fingerprint, record_findings
from monitor.casework.scoring import scores
from monitor.store.casework_models import FindingRow
from monitor.store.store import create_engine, create_schema

N_OUTLETS, N_FINDINGS, BATCH = 2000, 10_000, 50


@dataclass(frozen=True)
class Site:
    mn: str
    enterprise: str
    name: str
    district: str


def make_findings(rng: np.random.Generator) -> list[Finding]:
    t0 = pd.Timestamp("2026-01-01", tz="Asia/Shanghai")
    out = []
    for i in range(N_FINDINGS):
        start = t0 + pd.Timedelta(hours=int(rng.integers(0, 24 * 300)))
        out.append(
            Finding(
                detector=str(rng.choice(["exceedance", "frozen", "range", "gaps"])),
                category=str(rng.choice(["exceedance", "integrity", "completeness"])),  # type: ignore[arg-type]
                mn=f"M{int(rng.integers(0, N_OUTLETS)):05d}",
                pollutant="w01018",
                start=start,
                end=start + pd.Timedelta(hours=int(rng.integers(1, 30))),
                severity=str(rng.choice(["low", "medium", "high"])),  # type: ignore[arg-type]
                confidence=0.9,
                summary=f"finding {i}",
                evidence={"i": i},
            )
        )
    return out


def main() -> None:
    rng = np.random.default_rng(1)
    registry = {
        f"M{i:05d}": Site(f"M{i:05d}", f"E{i // 2:05d}", f"Outlet {i}", f"D{i % 10}")
        for i in range(N_OUTLETS)
    }
    findings = make_findings(rng)
    batches = [findings[i : i + BATCH] for i in range(0, len(findings), BATCH)]
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        create_schema(engine)
        t = time.perf_counter()
        opened = 0
        for b in batches:
            with Session(engine) as s, s.begin():
                opened += len(record_findings(s, b, registry).opened)
        first = time.perf_counter() - t
        t = time.perf_counter()
        for b in batches:
            with Session(engine) as s, s.begin():
                assert not record_findings(s, b, registry).opened
        again = time.perf_counter() - t
        t = time.perf_counter()
        with Session(engine) as s:
            n = len(scores(s, pd.Timestamp("2026-12-01", tz="UTC").to_pydatetime(), registry))
        score_ms = (time.perf_counter() - t) * 1000

        base_engine = create_engine(f"sqlite:///{Path(tmp) / 'base.db'}")
        create_schema(base_engine)
        now = pd.Timestamp.now(tz="UTC").to_pydatetime()
        rows = [
            {
                "fingerprint": fingerprint(f),
                "detector": f.detector,
                "category": f.category,
                "mn": f.mn,
                "pollutant": f.pollutant,
                "start": f.start.tz_convert("UTC").to_pydatetime(),
                "end": f.end.tz_convert("UTC").to_pydatetime(),
                "severity": f.severity,
                "confidence": f.confidence,
                "summary": f.summary,
                "evidence": f.evidence,
                "recorded_at": now,
            }
            for f in findings
        ]
        t = time.perf_counter()
        for i in range(0, len(rows), BATCH):
            with base_engine.begin() as c:
                c.execute(sa.insert(FindingRow), rows[i : i + BATCH])
        base = time.perf_counter() - t

    print(
        f"record_findings, {N_FINDINGS} findings in batches of {BATCH}: "
        f"{N_FINDINGS / first:,.0f} findings/s ({opened} leads opened)"
    )
    print(f"re-run (idempotent, nothing new):             {N_FINDINGS / again:,.0f} findings/s")
    print(f"scores for {n} enterprises:                  {score_ms:.0f} ms")
    print(f"baseline: plain bulk INSERT, same batches:    {N_FINDINGS / base:,.0f} findings/s")


if __name__ == "__main__":
    main()
