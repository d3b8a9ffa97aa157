"""A seeded database for the web tests: registry with limits, readings, leads, quarantine, users.

Districts: Lintong (E0001 outlets 1 and 2, E0003 outlet 4) and Yanta (E0002 outlet 3). Users:
``admin`` (admin), ``wang`` (inspector, Lintong), ``li`` (inspector, Yanta); every password is
:data:`PASSWORD`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

import monitor.store.casework_models
import monitor.store.user_models
from ingest.sink import Rejected
from monitor.casework import inspections as insp
from monitor.casework.leads import record_findings
from monitor.casework.scoring import scores
from monitor.casework.staff import add_user
from monitor.registry import Registry, parse_registry
from monitor.store.store import Store, create_engine, create_schema
from monitor.web.context import WebContext
from tests.monitor.casework_support import MN1, MN2, MN3, MN4, finding

__all__ = ["MN1", "MN2", "MN3", "MN4", "PASSWORD", "REGISTRY_TOML", "Seeded", "seed"]

PASSWORD = "correct horse battery"
EVIL = "<script>alert('x')</script>"

REGISTRY_TOML = """
[[site]]
mn = "61011500000001"
enterprise = "E0001"
name = "Outlet 1"
district = "Lintong"
password = "123456"
[site.pollutants.w01018]
limit = 50.0
[site.pollutants.w00000]

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
[site.pollutants.w01018]
limit = 100.0

[[site]]
mn = "61011500000004"
enterprise = "E0003"
name = "Outlet 4"
district = "Lintong"
password = "123456"
"""


@dataclass
class Seeded:
    url: str
    registry: Registry
    lintong_lead: int
    yanta_lead: int
    quarantine_ids: list[int]

    def context(self, lang: str = "en") -> WebContext:
        engine = create_engine(self.url)
        return WebContext(engine, lang=lang, timezone="Asia/Shanghai", registry=self.registry)


def _readings(mn: str, start: str, hours: int, level: float) -> pd.DataFrame:
    ts = pd.date_range(start, periods=hours, freq="h", tz="Asia/Shanghai").tz_convert("UTC")
    rng = np.random.default_rng(abs(hash(mn)) % 2**32)
    cod = level + rng.normal(0, 3, hours)
    cod[96:120] = 61.0 if level < 50 else 70.0  # the stretch the lead is about
    flow = 500 + 100 * np.sin(np.arange(hours) / 24 * 2 * np.pi)
    flags = np.array(["N"] * hours, dtype=object)
    flags[60:63] = "M"
    flags[150] = "D"
    return pd.concat(
        [
            pd.DataFrame({"mn": mn, "pollutant": "w01018", "ts": ts, "value": cod, "flag": flags}),
            pd.DataFrame({"mn": mn, "pollutant": "w00000", "ts": ts, "value": flow, "flag": "N"}),
        ],
        ignore_index=True,
    ).assign(qn=[f"2026060{i % 10}" for i in range(2 * hours)])


#: The seeded leads' summaries as detection writes them in each language.
SUMMARIES = {
    "en": ("COD over its limit 50 for 24 h", "COD frozen"),
    "zh": (
        "化学需氧量超过排放限值50mg/L共24个有效小时，最高61mg/L（为限值的1.22倍）",
        "化学需氧量在24小时内恒定为60mg/L，远超该分析仪正常的保持时长",
    ),
}


def seed(url: str, lang: str = "en") -> Seeded:
    """Build the seeded database at ``url`` (an empty SQLite or PostgreSQL database).

    ``lang`` is the language of the stored summaries (detection writes them in the configured one).
    """
    over, frozen = SUMMARIES[lang]
    registry = parse_registry(REGISTRY_TOML)
    engine = create_engine(url)
    create_schema(engine)
    store = Store(engine)
    store.import_frame(_readings(MN1, "2026-06-01", 240, 35.0))
    store.import_frame(_readings(MN3, "2026-06-01", 240, 60.0))
    when = datetime(2026, 6, 12, tzinfo=UTC)
    received = datetime(2026, 6, 5, 4, tzinfo=UTC)  # during the leads
    store.commit_batch(
        [],
        [
            Rejected(
                received,
                f"hj212/{MN1}",
                f"##0042QN=1;MN={MN1};{EVIL}\r\n".encode(),
                "crc",
                "CRC mismatch",
                MN1,
            ),
            Rejected(when, f"hj212/{MN3}", b"\xff\xfe\x00binary", "frame", "no ## header", MN3),
        ],
    )
    with Session(engine, expire_on_commit=False) as s, s.begin():
        changes = record_findings(
            s,
            [
                finding(
                    "2026-06-05 00:00",
                    "2026-06-05 23:00",
                    mn=MN1,
                    summary=over,
                ),
                finding(
                    "2026-06-05 00:00",
                    "2026-06-05 23:00",
                    mn=MN3,
                    category="integrity",
                    severity="high",
                    detector="frozen",
                    summary=frozen,
                    confidence=1.0,  # a day, certain: the full provisional points ...
                ),
                finding(  # ... as a second detector agrees (one detector alone: at most -9.5)
                    "2026-06-05 01:00",
                    "2026-06-05 23:00",
                    mn=MN3,
                    category="integrity",
                    severity="high",
                    detector="capping",
                    summary=frozen,
                    confidence=1.0,
                ),
            ],
            registry,
            now=when,
        )
        by_mn = {
            lead.mn: lead.id
            for lead in (s.get(monitor.store.casework_models.LeadRow, i) for i in changes.opened)
        }
        for name, role, district in (
            ("admin", "admin", ""),
            ("wang", "inspector", "Lintong"),
            ("li", "inspector", "Yanta"),
        ):
            add_user(s, name, PASSWORD, role=role, district=district, display_name=name.title())
        current = scores(s, None, registry)
        d = insp.draw(
            current,
            "2026-11",
            7,
            [insp.Inspector("Wang Wei", "Lintong"), insp.Inspector("Li Na", "Yanta")],
        )
        insp.record_draw(s, d)
    q = store.quarantine_frame()
    del q
    with engine.connect() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM quarantine ORDER BY id")]
    engine.dispose()
    return Seeded(url, registry, by_mn[MN1], by_mn[MN3], ids)
