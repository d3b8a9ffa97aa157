"""History detection over the store: the whole catalogue, outlet by outlet, into leads.

What ``monitor detect --db`` and the end of ``monitor demo`` run. Memory is bounded by one outlet's
frame at a time (fleet detectors keep the prepared outlets until they run at the end). Recording
is idempotent: running it twice over the same history opens nothing new.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from detectors import Detector, Finding
from monitor.alerts.alerter import Alerter
from monitor.casework.scoring import ScoringRules
from monitor.detection.batch import DetectionRun, detect_outlets
from monitor.detection.record import CaseworkResult, handle_findings
from monitor.registry import Registry
from monitor.store.base import transaction
from monitor.store.store import Store


def stored_outlets(
    store: Store, start: datetime | None = None, end: datetime | None = None
) -> Iterator[tuple[str, object, object]]:
    """``(mn, frame, packets)`` for every outlet with stored hourly readings in ``[start, end)``:
    its readings (with their arrival times) and its packet records received from ``start`` on
    (None when it has none: its readings came from files or JSON)."""
    for mn in store.outlets():
        frame = store.read_frame(mn, start=start, end=end)
        if not frame.empty:
            packets = store.read_packets(mn, start=start)
            yield mn, frame, (packets if len(packets) else None)


def detect_store(
    store: Store,
    registry: Registry,
    detectors: Sequence[Detector] | None = None,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    lang: str = "en",
    progress: Callable[[str], None] | None = None,
    run: DetectionRun | None = None,
) -> list[Finding]:
    """Findings of ``detectors`` (default: the whole catalogue) over the stored history."""
    return list(
        detect_outlets(
            stored_outlets(store, start, end),  # type: ignore[arg-type]
            registry.specs(),
            detectors,
            lang=lang,
            progress=progress,
            run=run,
        )
    )


def record(
    store: Store,
    registry: Registry,
    findings: Sequence[Finding],
    *,
    alerter: Alerter | None = None,
    rules: ScoringRules | None = None,
) -> CaseworkResult:
    """Store ``findings`` and open or update leads (scores and alerts follow) in one transaction."""
    with transaction(store.engine) as session:
        return handle_findings(session, findings, registry, alerter=alerter, rules=rules)
