"""The shape of a detector: `__init__` stores keyword parameters, `detect()` checks the input once
and calls the `_detect()` hook, which only computes statistics and returns findings.

Outlet detectors see one outlet (`OutletData`); fleet detectors (`FleetDetector`) compare outlets
(data cloned from another outlet, peer outliers) in two stages: each outlet is reduced to a small,
picklable summary (`FleetDetector.summarise`), and the findings are computed over the summaries of
all outlets (`FleetDetector.detect_summaries`), so that no caller keeps every outlet's readings and
the summaries can be computed where each outlet is read (other processes, other machines).
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any, ClassVar, Final, Generic, Literal, TypeVar

import pandas as pd

from detectors.finding import Category, Finding, Severity
from detectors.frame import OutletData
from detectors.messages import text
from detectors.spec import OutletSpec

#: What a rate parameter is stated per (`Detector.rate_units`): a series-year or an outlet-year.
RateUnit = Literal["series", "outlet"]


def units_per_year(**units: RateUnit) -> Mapping[str, RateUnit]:
    """A detector's `Detector.rate_units` (rate parameter: unit), read-only: a class attribute
    shared by every instance."""
    return MappingProxyType(units)


class Detector(ABC):
    """Base of every detector.

    Subclasses set ``name`` and ``category``, take only keyword parameters with documented
    defaults in ``__init__`` (stored under the same names, no logic), and implement `_detect`.
    """

    name: ClassVar[str]
    category: ClassVar[Category]
    #: The unit each rate parameter (`rate_names`) is stated per, as the detector's docstring
    #: states it: ``"series"`` (a concentration, pH or flow series -- a channel -- a year) or
    #: ``"outlet"`` (an outlet a year). A property of the detector, not of its findings: the
    #: calibration bench reads it (`rate_units_of`) for the expected count of a rate it found
    #: nothing at. Empty: not declared.
    rate_units: ClassVar[Mapping[str, RateUnit]] = MappingProxyType({})
    #: Whether what the detector finds rests on what the outlet does over months (a month's
    #: holds, a floor's rhythm, the outlet's own stops): a pass over a short window then takes
    #: its findings as a screen and judges the outlet again over a longer context
    #: (`needs_context`; live detection, `monitor/detection/live.py`).
    judged_over_months: ClassVar[bool] = False

    def get_params(self) -> dict[str, Any]:
        """The detector's parameters, read from ``__init__``'s signature (like scikit-learn)."""
        return {p: getattr(self, p) for p in _param_names(type(self))}

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"

    def detect(
        self,
        data: pd.DataFrame | OutletData,
        spec: OutletSpec | None = None,
        *,
        lang: str = "en",
    ) -> list[Finding]:
        """Findings over one outlet's readings frame (or prepared `OutletData`), in time order."""
        outlet = data if isinstance(data, OutletData) else OutletData(data, spec, lang=lang)
        if outlet.empty:
            return []
        return _ordered(self._detect(outlet))

    def needs_context(self, outlet: OutletData, found: Sequence[Finding]) -> bool:
        """Whether a pass over ``outlet``, a short window of its history (live detection's), must
        judge it again over a longer context before its findings stand: ``found`` are this
        detector's findings in the window. By default, where a detector `judged_over_months`
        found something; a detector whose silence also rests on the outlet's longer habits says
        so by overriding this."""
        return self.judged_over_months and bool(found)

    @abstractmethod
    def _detect(self, outlet: OutletData) -> Iterable[Finding]:
        """Compute the statistics over the whole outlet and yield findings."""

    def finding(
        self,
        outlet: OutletData | Summary,
        pollutant: str | None,
        start: pd.Timestamp,
        end: pd.Timestamp,
        *,
        severity: Severity,
        confidence: float,
        message: str,
        evidence: dict[str, Any],
        category: Category | None = None,
        **message_params: Any,
    ) -> Finding:
        """A finding whose summary is the catalogue message ``message`` in the outlet's language.

        The evidence is completed with the detector's parameters (provenance of every finding).
        """
        params = {"pollutant": pollutant, **evidence, **message_params}
        return Finding(
            detector=self.name,
            category=category or self.category,
            mn=outlet.mn,
            pollutant=pollutant,
            start=pd.Timestamp(start),
            end=pd.Timestamp(end),
            severity=severity,
            confidence=float(min(1.0, max(0.0, confidence))),
            summary=text(message, outlet.lang, **params),
            evidence={**evidence, "params": self.get_params()},
        )


@dataclass(frozen=True, slots=True)
class Summary:
    """What a fleet detector keeps of one outlet (subclassed by each detector with its own
    fields): the outlet's MN and the language of its findings, enough to write a finding."""

    mn: str
    lang: str


S = TypeVar("S", bound=Summary)


class FleetDetector(Detector, Generic[S]):
    """A detector that compares outlets, in two stages: `summarise` reduces one outlet to a
    small, picklable `Summary` (statistics, hashes, quantised values: what the comparison
    needs, never the outlet's frame), and `detect_summaries` compares the summaries.
    `detect_fleet` is both stages at once; `detect` on one outlet checks it against itself only.
    """

    def detect_fleet(self, outlets: Sequence[OutletData]) -> list[Finding]:
        """Findings over several outlets at once (each outlet's own and those between outlets)."""
        return self.detect_summaries([self.summarise(o) for o in outlets if not o.empty])

    def detect_summaries(self, summaries: Sequence[S]) -> list[Finding]:
        """The findings of `detect_fleet` over the outlets' summaries, given in the outlets'
        order (the order of `detect_fleet`'s outlets, e.g. by MN; empty outlets left out)."""
        if not summaries:
            return []
        return _ordered(self._detect_summaries(summaries))

    def parts(self, summaries: Sequence[S]) -> list[Any]:
        """Independent parts of `detect_summaries`' work over ``summaries`` (picklable keys,
        largest first), which `detect_part` computes one at a time, in any process holding the
        summaries and in any order, and `merge_parts` joins into `detect_summaries`' findings
        (same findings, same order). Empty (the default): the work is not split."""
        return []

    def detect_part(self, summaries: Sequence[S], part: Any) -> Any:
        """One part's result (picklable) over ``summaries``, ``part`` one of `parts`'."""
        raise NotImplementedError

    def merge_parts(self, summaries: Sequence[S], results: dict[Any, Any]) -> list[Finding]:
        """`detect_summaries`' findings from every part's result (``results`` by part): the
        same whatever process or order the parts were computed in."""
        raise NotImplementedError

    @abstractmethod
    def summarise(self, outlet: OutletData) -> S:
        """What the fleet stage needs of one (non-empty) outlet."""

    @abstractmethod
    def _detect_summaries(self, summaries: Sequence[S]) -> Iterable[Finding]: ...


@cache
def _param_names(cls: type) -> tuple[str, ...]:
    """Names of ``cls.__init__``'s parameters (cached: `inspect.signature` costs ~0.1 ms a call)."""
    return tuple(p for p in inspect.signature(cls.__init__).parameters if p != "self")


#: How a detector names a parameter that is a false-alarm rate a year (its findings state the rate
#: they were judged at as the evidence key ``false_alarm_rate_per_year``): every such parameter's
#: name ends so (``false_alarms_per_year``, ``jump_false_alarms_per_year``...).
RATE_SUFFIX = "false_alarms_per_year"


def rate_names(cls: type) -> tuple[str, ...]:
    """Names of ``cls.__init__``'s false-alarm-rate parameters (ending in `RATE_SUFFIX`): the
    ones a second look at a found outlet multiplies and the calibration bench scales."""
    return tuple(p for p in _param_names(cls) if p.endswith(RATE_SUFFIX))


def rate_units_of(cls: type[Detector]) -> dict[str, RateUnit]:
    """The unit of each of ``cls``'s rate parameters (`rate_names`) that it declares
    (`Detector.rate_units`); a declared name that is no rate parameter of ``cls`` is an error
    (a renamed parameter must take its unit along)."""
    names = rate_names(cls)
    stray = set(cls.rate_units) - set(names)
    if stray:
        raise ValueError(f"{cls.__name__}.rate_units names no rate parameter: {sorted(stray)}")
    return {n: cls.rate_units[n] for n in names if n in cls.rate_units}


#: The range a finding states its false-alarm rate within (`clip_rate`): a rate scaled past
#: a probability's end (a second look's, or the calibration bench's factors of 100 and 1000)
#: is stated as the end, and a rate under a chance in a million as one in a million.
STATED_RATE_RANGE: Final = (1e-6, 0.999)


def clip_rate(rate: float) -> float:
    """``rate`` as a finding states it: clipped to `STATED_RATE_RANGE` (the one clip of a
    stated rate, standard_substitution's the only findings it moves; the calibration bench
    reads what a clipped finding states through it). backfill states its own ceiling,
    ``min(0.5, alpha * runs / years)``, left as it is (reviewer-L L2)."""
    return min(max(rate, STATED_RATE_RANGE[0]), STATED_RATE_RANGE[1])


def _ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.mn, f.start, f.pollutant or "", f.detector, f.end))


D = TypeVar("D", bound=type[Detector])
#: Every detector class decorated with :func:`register`, by name (read it through
#: :func:`detectors.registry.catalogue`, which first imports every module of ``detectors.checks``).
REGISTERED: dict[str, type[Detector]] = {}


def register(cls: D) -> D:
    """Class decorator: add a detector to the catalogue under its ``name``."""
    name = cls.name
    if name in REGISTERED and REGISTERED[name] is not cls:
        raise ValueError(f"two detectors named {name!r}: {REGISTERED[name]} and {cls}")
    REGISTERED[name] = cls
    return cls
