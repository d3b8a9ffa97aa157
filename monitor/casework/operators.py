"""Third-party operation and maintenance companies (运维单位) held to account.

The registry names each site's ``operator``. :func:`rollup` counts, per company and over the
``window_months`` up to ``at``: its sites and enterprises, the findings and leads of its sites,
its *signs of falsification* (``integrity`` leads not dismissed) and confirmed falsification
(``integrity`` leads confirmed), and the enterprises with signs.

A company with signs at ``min_enterprises`` (default 2) or more enterprises is a lead of its own
(:func:`open_operator_leads`): a lead without an outlet (``mn`` empty), ``enterprise`` the company,
``district`` empty (only admins, who see every district, see it), ``integrity``/``high``, spanning
its sites' sign leads, its summary listing the sites and their leads. It has the lifecycle and audit
trail of every lead (``monitor leads``); a new sign at a site adds an ``update`` to the audit and
the site to the summary. It is never scored: the company is no enterprise of the three-colour
scheme (:func:`monitor.casework.scoring.on_lead_confirmed` skips leads without an outlet).
One bad site (signs at one enterprise) makes no company lead: that is the enterprise's matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from monitor import clock
from monitor.casework.leads import ACTIVE
from monitor.casework.scoring import months_before
from monitor.registry import sites_by_mn
from monitor.store.casework_models import FindingRow, LeadEventRow, LeadRow

__all__ = ["MIN_ENTERPRISES", "OperatorFigures", "open_operator_leads", "operator_of", "rollup"]

MIN_ENTERPRISES: Final = 2


@dataclass
class OperatorFigures:
    """One company's figures (:func:`rollup`)."""

    operator: str
    sites: list[str] = field(default_factory=list)
    enterprises: set[str] = field(default_factory=set)
    findings: int = 0
    leads: int = 0
    signs: list[LeadRow] = field(default_factory=list)
    confirmed: int = 0

    @property
    def sign_enterprises(self) -> list[str]:
        return sorted({x.enterprise for x in self.signs})

    def to_dict(self) -> dict[str, Any]:
        return {
            "operator": self.operator,
            "sites": len(self.sites),
            "enterprises": len(self.enterprises),
            "findings": self.findings,
            "leads": self.leads,
            "signs": len(self.signs),
            "confirmed": self.confirmed,
            "sign_enterprises": self.sign_enterprises,
            "sign_sites": sorted({x.mn for x in self.signs}),
        }


def operator_of(registry: Any) -> dict[str, str]:
    """MN -> operator of every registered site that names one."""
    return {
        mn: s.operator for mn, s in sites_by_mn(registry).items() if getattr(s, "operator", None)
    }


def rollup(
    session: Session, registry: Any, *, at: datetime | None = None, window_months: int = 12
) -> list[OperatorFigures]:
    """Each company's figures over the window up to ``at`` (by lead and finding start), sorted by
    enterprises with signs, then signs, then name (worst first)."""
    at = clock.now(at)
    since = months_before(at, window_months)
    ops = operator_of(registry)
    sites = sites_by_mn(registry)
    out: dict[str, OperatorFigures] = {}
    for mn, name in sorted(ops.items()):
        fig = out.setdefault(name, OperatorFigures(name))
        fig.sites.append(mn)
        fig.enterprises.add(sites[mn].enterprise)
    mns = sorted(ops)
    for i in range(0, len(mns), 500):
        chunk = mns[i : i + 500]
        q = (
            sa.select(FindingRow.mn, sa.func.count())
            .where(FindingRow.mn.in_(chunk), FindingRow.start > since, FindingRow.start <= at)
            .group_by(FindingRow.mn)
        )
        for mn, n in session.execute(q):
            out[ops[mn]].findings += n
        q2 = sa.select(LeadRow).where(
            LeadRow.mn.in_(chunk), LeadRow.start > since, LeadRow.start <= at
        )
        for lead in session.scalars(q2.order_by(LeadRow.start, LeadRow.id)):
            fig = out[ops[lead.mn]]
            fig.leads += 1
            if lead.category == "integrity" and lead.outcome != "dismissed":
                fig.signs.append(lead)
                if lead.outcome == "confirmed":
                    fig.confirmed += 1
    return sorted(out.values(), key=lambda f: (-len(f.sign_enterprises), -len(f.signs), f.operator))


def _summary(fig: OperatorFigures) -> str:
    parts = [f"{x.mn} ({x.enterprise}, lead #{x.id})" for x in fig.signs]
    return (
        f"operator {fig.operator}: signs of falsification at {len(fig.sign_enterprises)} "
        f"enterprises ({', '.join(fig.sign_enterprises)}): " + "; ".join(parts)
    )


def open_operator_leads(
    session: Session,
    registry: Any,
    *,
    min_enterprises: int = MIN_ENTERPRISES,
    window_months: int = 12,
    now: datetime | None = None,
) -> tuple[list[int], list[int]]:
    """Open a lead for each company with signs at ``min_enterprises`` or more enterprises, or
    update its active one with new signs. Returns (opened, updated) lead ids."""
    now = clock.now(now)
    opened: list[int] = []
    updated: list[int] = []
    active: dict[str, LeadRow] = {
        x.enterprise: x
        for x in session.scalars(
            sa.select(LeadRow).where(LeadRow.mn == "", LeadRow.status.in_(sorted(ACTIVE)))
        )
    }
    for fig in rollup(session, registry, at=now, window_months=window_months):
        if len(fig.sign_enterprises) < min_enterprises:
            continue
        summary = _summary(fig)
        start = min(x.start for x in fig.signs)
        end = max(x.end for x in fig.signs)
        lead = active.get(fig.operator)
        if lead is None:
            lead = LeadRow(
                mn="",
                enterprise=fig.operator,
                site_name="",
                district="",
                category="integrity",
                severity="high",
                pollutants=[],
                start=start,
                end=end,
                summary=summary,
                status="open",
                opened_at=now,
                updated_at=now,
            )
            session.add(lead)
            session.flush()
            session.add(_event(lead, "open", None, "open", now, summary))
            opened.append(lead.id)
        elif lead.summary != summary:
            lead.summary, lead.start, lead.end, lead.updated_at = summary, start, end, now
            session.add(_event(lead, "update", lead.status, lead.status, now, summary))
            updated.append(lead.id)
    session.flush()
    return opened, updated


def _event(
    lead: LeadRow, action: str, frm: str | None, to: str, at: datetime, note: str
) -> LeadEventRow:
    return LeadEventRow(
        lead_id=lead.id,
        action=action,
        from_status=frm,
        to_status=to,
        who="system",
        at=at,
        note=note,
    )
