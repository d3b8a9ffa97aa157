"""One call from findings to leads, scores and alerts (what live detection and `monitor demo` use).

    settings = AlertSettings.from_dict(cfg.alerts, lang=cfg.lang, timezone=cfg.timezone)
    alerter = Alerter(settings, echo=click.echo)          # once
    with transaction(engine) as s:                      # per batch of findings
        result = handle_findings(s, findings, registry, alerter=alerter,
                                 rules=ScoringRules.from_dict(cfg.scoring))

Alerts for exceedance leads are inhibited when the outlet reported maintenance or calibration
flags (``M``/``C``) in the lead's window (:func:`monitor.alerts.alerter.store_inhibitor`), unless another
``inhibit`` is given. Call ``alerter.dispatch(session)`` every few seconds as well, so grouped
alerts go out when their window ends and failed deliveries are retried.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from detectors.finding import Finding
from monitor.alerts.alerter import Alerter, DispatchReport, Inhibitor, store_inhibitor
from monitor.casework.leads import LeadChanges, record_findings
from monitor.casework.scoring import ScoringRules

__all__ = ["CaseworkResult", "handle_findings"]


@dataclass
class CaseworkResult:
    changes: LeadChanges
    dispatch: DispatchReport | None


def handle_findings(
    session: Session,
    findings: Iterable[Finding],
    registry: Any,
    *,
    alerter: Alerter | None = None,
    rules: ScoringRules | None = None,
    inhibit: Inhibitor | None = None,
    now: datetime | None = None,
    dispatch: bool = True,
) -> CaseworkResult:
    """Record ``findings`` (leads and scores follow), then queue alerts for the leads opened or
    escalated and, with ``dispatch``, deliver them. Live detection passes ``dispatch=False`` and
    delivers in a transaction of its own, after this one is committed. Idempotent like
    :func:`monitor.casework.leads.record_findings`."""
    changes = record_findings(session, findings, registry, rules=rules, now=now)
    report = None
    if alerter is not None:
        inhibit = inhibit or store_inhibitor(session)
        if dispatch:
            report = alerter.notify(session, changes.alertable, inhibit=inhibit, now=now)
        else:
            alerter.queue(session, changes.alertable, inhibit=inhibit, now=now)
    return CaseworkResult(changes, report)
