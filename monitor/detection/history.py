"""History detection over the store: the whole catalogue, outlet by outlet, into leads.

What ``monitor detect --db`` and the end of ``monitor demo`` run. Memory is bounded by one outlet's
frame at a time (fleet detectors keep the prepared outlets until they run at the end). Recording
is idempotent: running it twice over the same history opens nothing new.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from detectors import Detector, Finding
from monitor.alerts.alerter import Alerter
from monitor.casework.scoring import ScoringRules
from monitor.config import redact_url
from monitor.detection.batch import DetectionRun, detect_outlets
from monitor.detection.record import CaseworkResult, handle_findings
from monitor.registry import Registry
from monitor.store.base import transaction
from monitor.store.store import Store


def stored_outlet(
    store: Store, mn: str, start: datetime | None = None, end: datetime | None = None
) -> tuple[str, object, object] | None:
    """``(mn, frame, packets)`` of an outlet with stored hourly readings in ``[start, end)``:
    its readings (with their arrival times, streamed: a server-side cursor on PostgreSQL) and
    its packet records received from ``start`` on (None when it has none: its readings came
    from files or JSON); None when it has no such readings."""
    frame = store.read_frame(mn, start=start, end=end)
    if frame.empty:
        return None
    packets = store.read_packets(mn, start=start)
    return mn, frame, (packets if len(packets) else None)


def stored_outlets(
    store: Store, start: datetime | None = None, end: datetime | None = None
) -> Iterator[tuple[str, object, object]]:
    """:func:`stored_outlet` of every stored outlet that has readings in ``[start, end)``."""
    for mn in store.outlets():
        outlet = stored_outlet(store, mn, start, end)
        if outlet is not None:
            yield outlet


#: Stores opened by this process for :class:`StoredOutlets` (a Dask worker's: one engine a URL).
_OPENED: dict[str, Store] = {}


class StoredOutlets(Sequence[tuple[str, object, object] | None]):
    """The stored outlets ``names`` as a sequence read where it is used: ``[k]`` is
    :func:`stored_outlet` of the k-th, from the store at ``url`` (opened once per process,
    never creating tables). Small and picklable (the URL and the names): Dask workers are given
    it and read their own outlets from the database (``monitor detect --db URL --dask``).
    A store that cannot be read raises `ConnectionError` with one line (the URL's password
    hidden)."""

    read_anywhere = True  # read by whoever holds it: a worker reads its own outlets

    def __init__(
        self,
        url: str,
        names: Sequence[str],
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> None:
        self.url, self.names, self.start, self.end = url, list(names), start, end

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, k: int) -> tuple[str, object, object] | None:  # type: ignore[override]
        try:
            store = _OPENED.get(self.url)
            if store is None:
                store = _OPENED[self.url] = Store(self.url, create=False)
            return stored_outlet(store, self.names[k], self.start, self.end)
        except (SQLAlchemyError, OSError) as e:  # the database unreachable from here
            reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise ConnectionError(
                f"--db {redact_url(self.url)}: the history of {self.names[k]} could not be read "
                f"here ({reason}); a Dask worker needs to reach the database at this URL"
            ) from None

    def __reduce__(self) -> tuple[Any, ...]:
        return (StoredOutlets, (self.url, self.names, self.start, self.end))


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
