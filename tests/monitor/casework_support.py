"""Helpers shared by the casework tests: a small registry, a finding maker, a real SQLite session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import monitor.store.casework_models  # noqa: F401  (registers the casework tables)
from detectors.finding import Finding
from monitor.registry import Registry, parse_registry
from monitor.store.store import create_engine, create_schema

REGISTRY_TOML = """
[[site]]
mn = "61011500000001"
enterprise = "E0001"
name = "Outlet 1"
district = "Lintong"
password = "123456"

[[site]]
mn = "61011500000002"
enterprise = "E0001"
name = "Outlet 2"
district = "Lintong"
password = "123456"

[[site]]
mn = "61011500000003"
enterprise = "E0002"
name = "Outlet 3"
district = "Yanta"
password = "123456"

[[site]]
mn = "61011500000004"
enterprise = "E0003"
name = "Outlet 4"
district = "Lintong"
password = "123456"
"""

MN1, MN2, MN3, MN4 = (f"6101150000000{i}" for i in range(1, 5))


def registry() -> Registry:
    return parse_registry(REGISTRY_TOML)


def engine_for(url: str) -> Engine:
    engine = create_engine(url)
    create_schema(engine)
    return engine


@contextmanager
def tx(engine: Engine) -> Iterator[Session]:
    """One transaction (committed at the end), objects usable after commit."""
    with Session(engine, expire_on_commit=False) as s, s.begin():
        yield s


def ts(text: str) -> pd.Timestamp:
    """A local (Asia/Shanghai) time."""
    return pd.Timestamp(text, tz="Asia/Shanghai")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def finding(
    start: str,
    end: str,
    *,
    mn: str = MN1,
    category: str = "exceedance",
    severity: str = "medium",
    pollutant: str | None = "w01018",
    detector: str = "exceedance",
    summary: str = "COD over its limit",
    evidence: dict[str, Any] | None = None,
    confidence: float = 0.9,
) -> Finding:
    return Finding(
        detector=detector,
        category=category,  # type: ignore[arg-type]
        mn=mn,
        pollutant=pollutant,
        start=ts(start),
        end=ts(end),
        severity=severity,  # type: ignore[arg-type]
        confidence=confidence,
        summary=summary,
        evidence=evidence or {"value": 61.0},
    )


def agreeing_sign(summary: str = "COD capped under its limit", mn: str = MN1) -> Finding:
    """A capping sign at ``mn`` over 2026-06-01 01:00 - 06-04, certain: a second detector agreeing
    with the fixtures' frozen sign there, so the outlet's integrity lead deducts its full points
    (one detector alone deducts at most lone_cap, -9.5)."""
    return finding(
        "2026-06-01 01:00", "2026-06-04", mn=mn, category="integrity", severity="high",
        detector="capping", summary=summary, confidence=1.0,
    )  # fmt: skip


def cli_world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, user: str = "chief", lang: str | None = "en"
) -> Path:
    """A folder for ``monitor`` commands run by ``user``: the working directory, no configuration,
    database or registry from the environment, tables in ``lang`` (None: the default, zh), and
    the test registry as ``sites.toml`` (returned)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MONITOR_USER", user)
    for var in ("MONITOR_DB", "MONITOR_CONFIG", "MONITOR_SITES", "MONITOR_LANG"):
        monkeypatch.delenv(var, raising=False)
    if lang is not None:
        monkeypatch.setenv("MONITOR_LANG", lang)
    sites = tmp_path / "sites.toml"
    sites.write_text(REGISTRY_TOML, encoding="utf-8")
    return sites


def frozen_hold(start: str, end: str, category: str = "validity") -> Finding:
    """A frozen hold of COD, high severity: a validity note, or with ``category="integrity"``
    the same span escalated as "sustained" (its month's held hours passed the share a month may
    lack)."""
    return finding(
        start, end, category=category, severity="high", detector="frozen",
        summary=f"frozen {category}",
        evidence={"rule": "identical value held at least T hours, flow > 0",
                  "escalation": None if category == "validity" else "sustained"},
    )  # fmt: skip
