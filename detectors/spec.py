"""What detectors know of an outlet from the site registry: limits, analyser ranges, standards.

These are plain records so detectors stay pure; `monitor.registry` builds them from the TOML
registry (DESIGN.md section 4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

COD: Final = "w01018"
NH3N: Final = "w21003"
TP: Final = "w21011"
TN: Final = "w21001"
FLOW: Final = "w00000"
PH: Final = "w01001"

#: Concentration channels (mg/L) the integrity detectors reason about.
CONCENTRATIONS: Final[tuple[str, ...]] = (COD, NH3N, TP, TN)

#: Typical analyser ranges used when the registry gives none (mg/L; pH units).
DEFAULT_RANGES: Final[dict[str, tuple[float, float]]] = {
    COD: (0.0, 500.0),
    NH3N: (0.0, 50.0),
    TP: (0.0, 10.0),
    TN: (0.0, 100.0),
    PH: (0.0, 14.0),
}


@dataclass(frozen=True, slots=True)
class PollutantSpec:
    """Registry facts about one pollutant of one outlet.

    ``limit`` is the upper discharge limit; ``limit_range`` a (low, high) band for pH.
    ``analyser_range`` is the instrument's (min, max); ``standard`` the calibration
    standard-solution concentration; ``cycle_minutes`` the analyser measuring cycle, when known.
    """

    code: str
    limit: float | None = None
    limit_range: tuple[float, float] | None = None
    analyser_range: tuple[float, float] | None = None
    standard: float | None = None
    cycle_minutes: float | None = None

    @property
    def upper_limit(self) -> float | None:
        """The upper bound a valid value must not exceed (limit, or the high end of the band)."""
        if self.limit is not None:
            return self.limit
        return self.limit_range[1] if self.limit_range is not None else None

    @property
    def range_or_default(self) -> tuple[float, float] | None:
        """The analyser range, or the typical range of this pollutant when the registry has none."""
        return self.analyser_range or DEFAULT_RANGES.get(self.code)


@dataclass(frozen=True, slots=True)
class OutletSpec:
    """One outlet (HJ 212 MN) and its pollutants, with who is responsible for it."""

    mn: str
    pollutants: Mapping[str, PollutantSpec] = field(default_factory=dict)
    enterprise: str | None = None
    district: str | None = None
    industry: str | None = None
    #: UTC ISO times of announced changes to the outlet's transmission (a firmware update, a new
    #: data logger): ``fingerprint_change`` reports no change within a day of one
    announced: tuple[str, ...] = ()

    def pollutant(self, code: str) -> PollutantSpec:
        """The spec of ``code``, or an empty one (no limit known) when the registry has none."""
        return self.pollutants.get(code) or PollutantSpec(code)
