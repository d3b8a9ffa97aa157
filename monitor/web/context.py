"""What every request of the web application shares: database, configuration, registry, rules."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from detectors.spec import CONCENTRATIONS, FLOW, PH
from monitor.casework.complaints import ComplaintSettings
from monitor.casework.scoring import ScoringRules, default_rules
from monitor.config import DEFAULT_TIMEZONE
from monitor.locale import text
from monitor.registry import SiteLike, sites_by_mn
from monitor.web.ingest_rate import IngestRate

__all__ = ["DEFAULT_CHANNELS", "WebContext"]

#: Channels looked at when the registry lists none for an outlet.
DEFAULT_CHANNELS: tuple[str, ...] = (*CONCENTRATIONS, PH, FLOW)


@dataclass
class WebContext:
    """Engine, language, time zone, registry (may be None), scoring rules, the hours without
    data after which an outlet counts as silent, the ingest daemon's metrics (optional) and the
    complaints' deadlines (``[complaints]``)."""

    engine: Engine
    lang: str = "zh"
    timezone: str = DEFAULT_TIMEZONE
    registry: Any = None
    rules: ScoringRules = field(default_factory=default_rules)
    silent_hours: float = 3.0
    ingest_rate: IngestRate | None = None
    complaint_settings: ComplaintSettings = field(default_factory=ComplaintSettings)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction, committed at the end (rolled back on an exception)."""
        with Session(self.engine, expire_on_commit=False) as s, s.begin():
            yield s

    @cached_property
    def sites(self) -> dict[str, SiteLike]:
        """Registered outlets by MN."""
        return sites_by_mn(self.registry)

    @cached_property
    def enterprise_sites(self) -> dict[str, list[SiteLike]]:
        """Registered outlets by enterprise (MN order)."""
        out: dict[str, list[SiteLike]] = defaultdict(list)
        for mn in sorted(self.sites):
            out[self.sites[mn].enterprise].append(self.sites[mn])
        return dict(out)

    def enterprise_districts(self, enterprise: str) -> set[str]:
        """Districts of an enterprise's registered outlets."""
        return {s.district for s in self.enterprise_sites.get(enterprise, [])}

    def channels(self, mn: str) -> tuple[str, ...]:
        """Pollutant codes of an outlet: the registry's, then the default channels."""
        site = self.sites.get(mn)
        listed = tuple(getattr(site, "pollutants", {}) or ()) if site is not None else ()
        return tuple(dict.fromkeys((*listed, *DEFAULT_CHANNELS)))

    def limit_of(self, mn: str, pollutant: str) -> tuple[float | None, float | None]:
        """(low, high) limits of a pollutant of an outlet from the registry (None when unknown)."""
        site = self.sites.get(mn)
        spec = (getattr(site, "pollutants", {}) or {}).get(pollutant) if site else None
        if spec is None:
            return None, None
        if getattr(spec, "limit_range", None) is not None:
            return spec.limit_range[0], spec.limit_range[1]
        return None, getattr(spec, "limit", None)

    def t(self, msgid: str, /, **params: Any) -> str:
        """A text of the catalogue in the configured language."""
        return text(msgid, self.lang, **params)

    def show(self, ts: datetime | pd.Timestamp | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        """A time in the configured zone (empty for None)."""
        if ts is None:
            return ""
        if isinstance(ts, pd.Timestamp):
            ts = ts.to_pydatetime()
        return ts.astimezone(self.zone).strftime(fmt)

    @cached_property
    def zone(self) -> ZoneInfo:
        """The display time zone."""
        return ZoneInfo(self.timezone)
