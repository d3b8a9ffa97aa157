"""The audit trail an auditor can be shown: who did what, when and from where.

Recorded (``action``, ``object``):

- ``sign_in`` / ``sign_in_failed`` / ``sign_in_throttled`` / ``sign_out`` on ``user:NAME``
  from the web page's sign-in form, with the source address; for the API's HTTP Basic
  credentials (sent with every request, so not a sign-in of their own) the failed and refused
  attempts;
- ``lead.assign|inspect|confirm|dismiss|close`` on ``lead:ID``, with the note, from every entry
  point (:func:`monitor.casework.leads.act`: the command line, the web page, the API, bulk
  verdicts);
- ``score.adjust`` on ``enterprise:NAME``, with the points and the reason;
- ``user.add`` / ``user.password`` on ``user:NAME`` (never the password).

``source`` says from where: ``web ADDRESS``, ``api ADDRESS`` or ``cli LOGIN@HOST`` (see
:func:`local_source`). Entries are only ever added, in the same transaction as the action they
record, so an action that did not happen leaves no entry and one that happened always has one;
failed and throttled sign-ins are committed on their own. Admins read the trail on the web page
(``/audit``), through ``GET /api/audit`` and with ``monitor audit list``.
"""

from __future__ import annotations

import getpass
import socket
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from monitor import clock
from monitor.store.user_models import AuditRow

__all__ = ["ACTIONS", "entries", "entry_dict", "local_source", "record"]

#: Every action the trail records (the names :func:`record` is called with).
ACTIONS: tuple[str, ...] = (
    "sign_in",
    "sign_in_failed",
    "sign_in_throttled",
    "sign_out",
    "lead.assign",
    "lead.inspect",
    "lead.confirm",
    "lead.dismiss",
    "lead.close",
    "score.adjust",
    "user.add",
    "user.password",
)

_DETAIL_MAX = 500


def local_source() -> str:
    """``cli LOGIN@HOST``: where a command run on this machine comes from."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "?"
    return f"cli {login}@{socket.gethostname()}"[:200]


def record(
    session: Session,
    action: str,
    who: str,
    *,
    object: str = "",
    source: str = "",
    outcome: str = "ok",
    detail: str = "",
    now: datetime | None = None,
) -> AuditRow:
    """Add one entry (flushed, committed with the caller's transaction)."""
    row = AuditRow(
        at=clock.now(now),
        who=who[:100],
        action=action[:40],
        object=object[:100],
        source=(source or local_source())[:200],
        outcome=outcome[:16],
        detail=detail.strip()[:_DETAIL_MAX],
    )
    session.add(row)
    session.flush()
    return row


def entries(
    session: Session,
    *,
    who: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
) -> list[AuditRow]:
    """Entries newest first, filtered by ``who``, ``action`` (an exact name, or a prefix ending
    in ``.`` such as ``lead.``) and ``since <= at <= until``; at most ``limit``."""
    q = sa.select(AuditRow)
    if who:
        q = q.where(AuditRow.who == who)
    if action:
        q = q.where(
            AuditRow.action.startswith(action)
            if action.endswith(".")
            else AuditRow.action == action
        )
    if since is not None:
        q = q.where(AuditRow.at >= since)
    if until is not None:
        q = q.where(AuditRow.at <= until)
    return list(session.scalars(q.order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)))


def entry_dict(row: AuditRow, at: str | None = None) -> dict[str, str]:
    """An entry as the CLI and the API show it; ``at`` is its time as shown (default ISO)."""
    return {
        "at": row.at.isoformat() if at is None else at,
        "who": row.who,
        "action": row.action,
        "object": row.object,
        "source": row.source,
        "outcome": row.outcome,
        "detail": row.detail,
    }
