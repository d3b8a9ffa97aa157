"""``monitor demo``: the main job on embedded defaults, in about a minute, in any empty folder.

An embedded broker (amqtt on 127.0.0.1), a SQLite file, the ingest daemon with live detection,
and the simulator standing in for about twenty outlets (a few of them falsifying) that publish
HJ 212 hourly packets in accelerated time, plus a rogue device with a wrong password and a
garbled packet that must end in quarantine. Alerts go to the console as leads open. At the end,
the nightly history pass runs the whole catalogue over what was stored, and the demo prints the
enterprises with score and colour, the open leads, and the commands that show more.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ingest.daemon import DaemonSettings, IngestDaemon
from ingest.encode import encode_readings
from monitor import clock
from monitor.alerts.alerter import Alerter, AlertSettings
from monitor.casework.leads import list_leads
from monitor.casework.scoring import Score, scores
from monitor.config import DEFAULT_TIMEZONE
from monitor.detection.history import detect_store, record
from monitor.detection.live import LiveDetection
from monitor.locale import text
from monitor.registry import Registry, load_registry
from monitor.simulation.broker import EmbeddedBroker
from monitor.simulation.fleet import Simulation, registry_toml
from monitor.simulation.publish import frame_readings, publish_simulation
from monitor.simulation.simulator import simulate
from monitor.store.base import transaction
from monitor.store.store import Store

DB_NAME = "outlet-watch.db"
Echo = Callable[[str], None]


@dataclass(frozen=True)
class DemoSettings:
    """What the demo simulates and how fast. ``seconds`` is the target publishing time."""

    workdir: Path = Path("outlet-watch-demo")
    outlets: int = 20
    days: int = 30
    seed: int = 2026
    falsifying_share: float = 0.2
    seconds: float = 40.0
    lang: str = "en"
    tz: str = DEFAULT_TIMEZONE


@dataclass
class DemoOutcome:
    """What the demo ended with (the test asserts on it)."""

    simulation: Simulation
    registry: Registry
    db_url: str
    published: int = 0
    stored: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)
    live_findings: int = 0
    history_findings: int = 0
    scores: list[Score] = field(default_factory=list)
    open_leads: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


def run_demo(settings: DemoSettings, echo: Echo = print) -> DemoOutcome:
    """Run the whole demo and return what it ended with."""
    started = time.monotonic()
    lang = settings.lang
    t = _texts(lang)
    workdir = settings.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    for old in workdir.glob(DB_NAME + "*"):
        old.unlink()
    start = (
        pd.Timestamp(clock.now()).tz_convert(settings.tz) - pd.Timedelta(days=settings.days)
    ).normalize()
    sim = simulate(
        settings.outlets,
        settings.days,
        settings.seed,
        start=start,
        falsifying_share=settings.falsifying_share,
    )
    sites_path = workdir / "sites.toml"
    sites_path.write_text(registry_toml(sim.registry_sites), encoding="utf-8")
    _write_inspectors(workdir / "inspectors.csv", sim)
    registry = load_registry(sites_path)
    db_url = f"sqlite:///{(workdir / DB_NAME).resolve()}"
    store = Store(db_url)
    outcome = DemoOutcome(sim, registry, db_url)
    echo(t("demo.start", outlets=settings.outlets, days=settings.days, workdir=str(workdir)))

    logging.getLogger().setLevel(logging.WARNING)
    alerter = Alerter(
        AlertSettings.from_dict(
            {"window_seconds": 1, "repeat_seconds": 3600}, lang=lang, timezone=settings.tz
        ),
        echo=lambda block: echo(
            "\n".join(t("demo.alert", text=line) for line in block.splitlines())
        ),
    )
    live = LiveDetection(store, registry, alerter=alerter, lang=lang).start()
    broker = EmbeddedBroker("127.0.0.1", 0).start()
    daemon = IngestDaemon(
        DaemonSettings(
            broker=f"mqtt://127.0.0.1:{broker.port}?protocol=3.1.1",
            client_id="outlet-watch-demo-ingest",
            batch_size=2000,
            batch_interval_s=0.2,
            tz=settings.tz,
        ),
        live.wrap(store),
        registry.authorise,
    )
    try:
        daemon.start()
        _wait(lambda: daemon.metrics.connected, 10.0)
        time.sleep(0.5)  # the subscription is made in on_connect; let the broker confirm it
        bad = _bad_messages(sim, registry)
        outcome.published = _publish(
            sim, registry, bad, broker.port, settings, echo, store, live, t
        )
        expected = len(sim.readings)
        _wait(lambda: store.count_readings() >= expected, 60.0)
        _wait(lambda: sum(_quarantined(store).values()) >= len(bad), 10.0)
        live.drain(120.0)
    finally:
        daemon.stop()
        live.stop()
        broker.stop()
    outcome.stored = store.count_readings()
    outcome.quarantined = _quarantined(store)
    outcome.live_findings = live.stats.findings
    echo(
        t(
            "demo.ingested",
            stored=outcome.stored,
            expected=len(sim.readings),
            quarantined=", ".join(f"{k} {v}" for k, v in sorted(outcome.quarantined.items()))
            or "0",
            leads=live.stats.leads_opened,
        )
    )

    echo(t("demo.history"))
    findings = detect_store(store, registry, lang=lang)
    outcome.history_findings = len(findings)
    result = record(store, registry, findings, alerter=alerter)
    echo(t("demo.history_done", findings=len(findings), opened=len(result.changes.opened)))
    with transaction(store.engine) as session:
        time.sleep(1.1)  # let the last grouped alerts' window close
        alerter.dispatch(session)
        outcome.scores = scores(session, clock.now(), registry)
        outcome.open_leads = [
            _lead_row(lead, lang, settings.tz) for lead in list_leads(session, status="active")
        ]
    outcome.seconds = time.monotonic() - started
    _report(outcome, settings, echo, t)
    store.close()
    return outcome


# -- publishing ----------------------------------------------------------------------------------


def _publish(
    sim: Simulation,
    registry: Registry,
    bad: list[tuple[str, bytes]],
    port: int,
    settings: DemoSettings,
    echo: Echo,
    store: Store,
    live: LiveDetection,
    t: Callable[..., str],
) -> int:
    """Publish the simulation in accelerated time, with the ``bad`` messages spread over it."""
    hours = settings.days * 24
    extra = {hours * (k + 1) // (len(bad) + 1): [m] for k, m in enumerate(bad)}

    def on_day(day: int, ts: pd.Timestamp) -> None:
        echo(
            t(
                "demo.progress",
                day=day,
                days=settings.days,
                date=ts.tz_convert(settings.tz).strftime("%Y-%m-%d"),
                stored=store.count_readings(),
                leads=live.stats.leads_opened,
                alerts=live.stats.alerts_sent,
            )
        )

    return publish_simulation(
        sim,
        registry.passwords(),
        f"mqtt://127.0.0.1:{port}?protocol=3.1.1",
        seconds=settings.seconds,
        tz=settings.tz,
        extra=extra,
        on_day=on_day,
    )


def _bad_messages(sim: Simulation, registry: Registry) -> list[tuple[str, bytes]]:
    """A rogue device with a wrong password, an unregistered MN, and a packet garbled in transit."""
    readings = sim.readings
    mn = str(readings["mn"].iloc[0])
    first = frame_readings(
        readings[(readings["mn"] == mn) & (readings["ts"] == readings["ts"].min())]
    )
    good = next(encode_readings(first, pw=registry.passwords()[mn]))[1]
    wrong_pw = next(encode_readings(first, pw="000000"))[1]
    stranger = next(encode_readings([r._replace(mn="99999999999999") for r in first], pw="123456"))[
        1
    ]
    garbled = good[:40] + b"#" + good[41:]
    return [(f"hj212/{mn}", wrong_pw), ("hj212/99999999999999", stranger), (f"hj212/{mn}", garbled)]


# -- report ----------------------------------------------------------------------------------------


def _report(
    outcome: DemoOutcome, settings: DemoSettings, echo: Echo, t: Callable[..., str]
) -> None:
    registry = outcome.registry
    names = {site.enterprise: site.name for site in registry}
    falsifying = {
        registry.get(mn).enterprise for mn in outcome.simulation.falsifying if registry.get(mn)
    }
    echo("")
    echo(t("demo.scores_title"))
    echo(f"  {'':2}{t('demo.col.enterprise'):<10} {t('demo.col.score'):>6}  {t('demo.col.colour')}")
    for s in sorted(outcome.scores, key=lambda s: (s.score, s.enterprise)):
        mark = "*" if s.enterprise in falsifying else " "
        colour = text(f"colour.{s.colour}", settings.lang)
        echo(
            f"  {mark} {s.enterprise:<10} {s.score:>6.1f}  {colour}  {names.get(s.enterprise, '')}"
        )
    echo(t("demo.falsifying_note"))
    echo("")
    echo(t("demo.leads_title", n=len(outcome.open_leads)))
    for lead in outcome.open_leads[:25]:
        echo(
            f"  #{lead['id']:<4} {lead['enterprise']:<6} {lead['mn']} "
            f"{lead['category']:<10} {lead['severity']:<4} {lead['summary']}"
        )
    if len(outcome.open_leads) > 25:
        echo(t("demo.more_leads", n=len(outcome.open_leads) - 25))
    echo("")
    echo(
        t(
            "demo.next",
            db=outcome.db_url,
            sites=str(settings.workdir / "sites.toml"),
            inspectors=str(settings.workdir / "inspectors.csv"),
        )
    )
    echo(t("demo.took", seconds=round(outcome.seconds)))


def _lead_row(lead: Any, lang: str, tz: str) -> dict[str, Any]:
    return {
        "id": lead.id,
        "enterprise": lead.enterprise,
        "mn": lead.mn,
        "category": text(f"category.{lead.category}", lang),
        "severity": text(f"severity.{lead.severity}", lang),
        "summary": lead.summary,
    }


def _write_inspectors(path: Path, sim: Simulation) -> None:
    """Two inspectors per district of the simulated fleet, for `monitor inspections draw`."""
    districts = sorted({site["district"] for site in sim.registry_sites})
    rows = [f"{d} inspector {k},{d}" for d in districts for k in (1, 2)]
    path.write_text("name,district\n" + "\n".join(rows) + "\n", encoding="utf-8")


def _quarantined(store: Store) -> dict[str, int]:
    frame = store.quarantine_frame()
    return {} if frame.empty else frame["reason"].value_counts().sort_index().to_dict()


def _texts(lang: str) -> Callable[..., str]:
    def render(msgid: str, **params: Any) -> str:
        return text(msgid, lang, **params)

    return render


def _wait(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if condition():
                return True
        time.sleep(0.1)
    return False
