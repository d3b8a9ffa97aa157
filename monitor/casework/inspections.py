"""Inspection plans by "double random" draw: random enterprises, random inspectors, a public list.

Rules of :func:`draw` for a period ``YYYY-MM`` and a seed:

- the random generator is ``numpy.random.default_rng([seed, year, month])``: the same seed and
  period give the same draw, whatever the order of the input;
- enterprises are taken in sorted id order; every ``red`` one is drawn; of the ``yellow`` and
  ``green`` ones, ``ceil(share * n)`` are drawn uniformly without replacement (shares default
  ``red 1.0, yellow 0.5, green 0.1``; a share of 0 draws none);
- optionally (``key`` > 0, off by default) a **key share**: ``key`` more enterprises among those
  the colour shares did not draw, drawn without replacement with probabilities proportional to
  their ``weights`` (triage: the probability that a visit confirms the enterprise's most likely
  active lead, :func:`monitor.casework.triage.enterprise_weights`; an enterprise without a weight
  gets :data:`KEY_FLOOR`, so every one keeps a chance), from its own generator
  ``default_rng([seed, year, month, 1])``. The random share is drawn first and exactly as without
  it: the same enterprises with the same inspectors (its generator makes the same calls);
- each drawn enterprise gets ``team_size`` inspectors drawn uniformly from those of its district
  (all inspectors when its district has fewer than ``team_size``), avoiding the inspectors of its
  previous draw when enough others remain (never the same inspector twice in a row when
  avoidable).

Inspectors file (``--inspectors FILE``), CSV with a header::

    name,district
    Wang Wei,Lintong
    Li Na,Yanta

or TOML::

    [[inspector]]
    name = "Wang Wei"
    district = "Lintong"
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from monitor import clock
from monitor.spreadsheets import SpreadsheetError, read_rows, xlsx_bytes
from monitor.spreadsheets import write_csv as write_table
from monitor.store.casework_models import InspectionAssignmentRow, InspectionDrawRow

__all__ = [
    "DEFAULT_SHARES",
    "KEY_FLOOR",
    "Assignment",
    "Draw",
    "InspectionError",
    "Inspector",
    "draw",
    "load_inspectors",
    "previous_inspectors",
    "record_draw",
    "write_csv",
]

DEFAULT_SHARES: Final[dict[str, float]] = {"red": 1.0, "yellow": 0.5, "green": 0.1}
#: the key share's weight of an enterprise without one (no active lead): drawable, rarely
KEY_FLOOR: Final = 0.01
_PERIOD: Final = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
CSV_COLUMNS: Final[tuple[str, ...]] = (
    "period",
    "enterprise",
    "district",
    "colour",
    "score",
    "inspectors",
)
#: columns a draw with a key share adds: which share drew the enterprise and its weight
KEY_COLUMNS: Final[tuple[str, ...]] = ("drawn", "weight")


class InspectionError(ValueError):
    """Bad period, shares, inspectors file, or a period already drawn with another seed."""


@dataclass(frozen=True)
class Inspector:
    name: str
    district: str = ""


@dataclass(frozen=True)
class Candidate:
    """An enterprise that may be drawn: its colour, score and district."""

    enterprise: str
    colour: str
    score: float | None = None
    district: str = ""


@dataclass(frozen=True)
class Assignment:
    enterprise: str
    district: str
    colour: str
    score: float | None
    inspectors: tuple[str, ...]
    drawn: str = "random"  # or "key": the triage-weighted share
    weight: float | None = None


@dataclass(frozen=True)
class Draw:
    period: str
    seed: int
    shares: Mapping[str, float]
    assignments: list[Assignment] = field(default_factory=list)
    key: int = 0

    @property
    def columns(self) -> tuple[str, ...]:
        """The publishable list's columns (with ``drawn`` and ``weight`` when there is a key
        share)."""
        return (*CSV_COLUMNS, *KEY_COLUMNS) if self.key else CSV_COLUMNS

    def to_dicts(self) -> list[dict[str, Any]]:
        rows = []
        for a in self.assignments:
            row: dict[str, Any] = {
                "period": self.period,
                "enterprise": a.enterprise,
                "district": a.district,
                "colour": a.colour,
                "score": a.score,
                "inspectors": ";".join(a.inspectors),
            }
            if self.key:
                row |= {"drawn": a.drawn, "weight": a.weight}
            rows.append(row)
        return rows


def _period(period: str) -> tuple[int, int]:
    m = _PERIOD.match(period)
    if not m:
        raise InspectionError(f"period {period!r} is not YYYY-MM (e.g. 2026-12)")
    return int(m.group(1)), int(m.group(2))


def _candidate(item: Any) -> Candidate:
    if isinstance(item, Candidate):
        return item
    if isinstance(item, tuple):
        return Candidate(*item)
    # a monitor.casework.scoring.Score or anything alike
    return Candidate(
        item.enterprise, item.colour, getattr(item, "score", None), getattr(item, "district", "")
    )


def draw(
    enterprises_with_colour: Iterable[Any],
    period: str,
    seed: int,
    inspectors: Sequence[Inspector],
    shares: Mapping[str, float] | None = None,
    *,
    previous: Mapping[str, Iterable[str]] | None = None,
    districts: Mapping[str, str] | None = None,
    team_size: int = 1,
    key: int = 0,
    weights: Mapping[str, float] | None = None,
) -> Draw:
    """Draw enterprises and assign inspectors (rules in the module docstring).

    ``enterprises_with_colour``: :class:`Candidate`, ``(enterprise, colour[, score[, district]])``
    tuples or :class:`monitor.casework.scoring.Score` objects; ``districts`` fills in missing districts;
    ``previous`` maps an enterprise to the inspectors of its previous draw
    (:func:`previous_inspectors`); ``key`` enterprises more are drawn by ``weights`` (the key
    share, after the random one).
    """
    year, month = _period(period)
    shares = {**DEFAULT_SHARES, **(shares or {})}
    for colour, share in shares.items():
        if colour not in DEFAULT_SHARES or not 0.0 <= float(share) <= 1.0:
            raise InspectionError(f"share {colour}={share}: colours are red/yellow/green, 0 to 1")
    if team_size < 1:
        raise InspectionError(f"team_size must be >= 1, got {team_size}")
    if key < 0:
        raise InspectionError(f"the key share must be 0 or more enterprises, got {key}")
    if not inspectors:
        raise InspectionError("no inspectors: give --inspectors FILE (CSV name,district)")
    if len({i.name for i in inspectors}) < team_size:
        raise InspectionError(f"{len(inspectors)} inspector(s) cannot form teams of {team_size}")
    districts = districts or {}
    previous = previous or {}
    rng = np.random.default_rng([int(seed), year, month])
    cands = sorted((_candidate(c) for c in enterprises_with_colour), key=lambda c: c.enterprise)
    chosen: list[Candidate] = []
    for colour in ("red", "yellow", "green"):
        pool = [c for c in cands if c.colour == colour]
        k = min(len(pool), math.ceil(float(shares[colour]) * len(pool) - 1e-9))
        if k == len(pool):
            chosen.extend(pool)
        elif k > 0:
            picks = sorted(rng.choice(len(pool), size=k, replace=False).tolist())
            chosen.extend(pool[i] for i in picks)
    by_district: dict[str, list[str]] = {}
    for i in inspectors:
        by_district.setdefault(i.district, []).append(i.name)
    everyone = sorted({i.name for i in inspectors})

    def assign(c: Candidate, gen: np.random.Generator, **extra: Any) -> Assignment:
        district = c.district or districts.get(c.enterprise, "")
        local = sorted(set(by_district.get(district, [])))
        pool = local if len(local) >= team_size else everyone
        last = set(previous.get(c.enterprise, ()))
        fresh = [n for n in pool if n not in last]
        if len(fresh) >= team_size:
            pool = fresh
        team = gen.choice(len(pool), size=team_size, replace=False).tolist()
        return Assignment(
            c.enterprise, district, c.colour, c.score, tuple(pool[i] for i in team), **extra
        )

    out = [assign(c, rng) for c in sorted(chosen, key=lambda c: c.enterprise)]
    drawn = {c.enterprise for c in chosen}
    rest = [c for c in cands if c.enterprise not in drawn]
    if key and rest:
        # the key share: its own generator, after the random share is complete
        krng = np.random.default_rng([int(seed), year, month, 1])
        w = np.array([max(float((weights or {}).get(c.enterprise, 0.0)), KEY_FLOOR) for c in rest])
        n = min(key, len(rest))
        picks = sorted(krng.choice(len(rest), size=n, replace=False, p=w / w.sum()).tolist())
        out.extend(assign(rest[i], krng, drawn="key", weight=round(float(w[i]), 4)) for i in picks)
        out.sort(key=lambda a: a.enterprise)
    return Draw(period, int(seed), shares, out, key)


def load_inspectors(path: str | Path) -> list[Inspector]:
    """Inspectors from a CSV or .xlsx (``name,district`` header) or TOML (``[[inspector]]``)."""
    path = Path(path)
    numbered: list[tuple[int, Mapping[str, Any]]]
    if path.suffix.lower() == ".toml":
        try:
            raw = path.read_text(encoding="utf-8-sig")
            numbered = list(enumerate(tomllib.loads(raw).get("inspector", []), start=1))
        except (OSError, UnicodeDecodeError) as exc:
            raise InspectionError(f"{path}: cannot read the inspectors file ({exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise InspectionError(f"{path}: not valid TOML ({exc})") from None
        where = "[[inspector]] #{}"
    else:
        try:
            numbered = list(read_rows(path, required=["name"]))
        except SpreadsheetError as exc:
            raise InspectionError(f"{exc} (inspectors: name,district)") from None
        where = "line {}"
    out: list[Inspector] = []
    for n, row in numbered:
        name = str(row.get("name") or "").strip()
        if not name:
            raise InspectionError(f"{path}: {where.format(n)}: 'name' is empty; give each a name")
        out.append(Inspector(name, str(row.get("district") or "").strip()))
    if not out:
        raise InspectionError(f"{path}: no inspectors; add one per line (name,district)")
    return out


def write_csv(d: Draw, path: str | Path) -> None:
    """Write the publishable list (period, enterprise, district, colour, score, inspectors) as a
    CSV for people (UTF-8 with BOM), or as an Excel workbook when ``path`` ends in ``.xlsx``."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(xlsx_bytes({d.period: (d.columns, d.to_dicts())}))
    else:
        write_table(path, d.to_dicts(), d.columns)


def previous_inspectors(session: Session, period: str) -> dict[str, set[str]]:
    """Each enterprise's inspectors in its most recent recorded draw before ``period``."""
    _period(period)
    q = (
        sa.select(InspectionDrawRow.period, InspectionAssignmentRow)
        .join(InspectionAssignmentRow, InspectionAssignmentRow.draw_id == InspectionDrawRow.id)
        .where(InspectionDrawRow.period < period)
        .order_by(InspectionDrawRow.period)
    )
    out: dict[str, set[str]] = {}
    for _, a in session.execute(q):
        out[a.enterprise] = set(filter(None, a.inspectors.split(";")))
    return out


def record_draw(session: Session, d: Draw, *, replace: bool = False) -> InspectionDrawRow:
    """Store the draw. A period is drawn once: the same seed again returns the stored draw; another
    seed raises :class:`InspectionError` unless ``replace``."""
    existing = session.scalar(
        sa.select(InspectionDrawRow).where(InspectionDrawRow.period == d.period)
    )
    if existing is not None:
        if existing.seed == d.seed and not replace:
            return existing
        if not replace:
            raise InspectionError(
                f"period {d.period} was already drawn with seed {existing.seed}; "
                "use that seed, or --replace to record a new draw"
            )
        session.delete(existing)
        session.flush()
    row = InspectionDrawRow(
        period=d.period,
        seed=d.seed,
        shares=dict(d.shares) | ({"triage_key": d.key} if d.key else {}),
        created_at=clock.now(),
    )
    row.assignments = [
        InspectionAssignmentRow(
            enterprise=a.enterprise,
            district=a.district,
            colour=a.colour,
            score=a.score,
            inspectors=";".join(a.inspectors),
        )
        for a in d.assignments
    ]
    session.add(row)
    session.flush()
    return row
