"""A second look at an outlet a detector has found: the rule, written once for every detector
that takes it.

A falsifier seldom acts once: whoever froze one analyser froze others, or the same one again;
whoever typed values by hand, or wrote TN from NH3-N, kept the habit. So where a detector's first
look, at its stated false-alarm rates, finds an outlet, the outlet is judged again by the same
rules and nulls at ``found_outlet_factor`` times those rates, and what that adds (overlapping no
first-look finding on the same channel: the same stretch) is reported. A detector may move an
expected count of its own, not a rate, with the look, and says so in its rule (frozen's chance
run on a drifting series: `detectors.checks.frozen.FrozenValueDetector._drifting_again`).

What it costs is stated: at an honest outlet the second look runs only where the first look has
already, wrongly, found it, so it adds no outlet to the leads; there its findings come at the
factor times the stated rate. Every finding of a detector that takes a second look says which look
made it: ``found_outlet_factor`` is None for the first look, the factor for the second, whose
findings also name the first look's first finding (``found_outlet_pollutant``,
``found_outlet_start``), state the rate they were judged at under the detector's own rate keys, say
so in their rule, and carry the detector's parameters as configured (the factor included), so
that running those parameters again reproduces them.

What the first look learns of the outlet whatever the rate (an analyser's cycle, a null's sorted
steps, a statistic's p-value: everything but the bars) the second reads instead of learning it
again (reviewer-E E10): `with_second_look` gives both looks one `Memo`, and a detector keeps
such values in it with `kept`.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

from detectors.base import rate_names
from detectors.finding import Finding

#: Appended to a second-look finding's rule.
AGAIN = (
    "; judged again at found_outlet_factor times the false-alarm rate: this detector found the "
    "outlet at its stated rate (found_outlet_pollutant from found_outlet_start)"
)


class TakesSecondLook(Protocol):
    """A detector with a ``found_outlet_factor`` parameter (1: no second look)."""

    found_outlet_factor: float

    def get_params(self) -> dict[str, object]: ...


D = TypeVar("D", bound=TakesSecondLook)
T = TypeVar("T")

#: What judging one outlet learns whatever the rate: made by the first look, read by the second
#: (one per `with_second_look` call, so per detector and outlet; see `kept`).
Memo = dict[Hashable, Any]


def kept(memo: Memo | None, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, made once per ``key`` in ``memo`` (None: made, nothing kept).

    The two looks that share a memo differ only in their rate parameters (`with_second_look`),
    so ``key`` need name only what the value is of (a channel, a rule, a stretch), not the
    parameters; but nothing that depends on a rate may be kept."""
    if memo is None:
        return make()
    if key not in memo:
        memo[key] = make()
    return memo[key]  # type: ignore[no-any-return]


def with_second_look(
    detector: D, judge: Callable[[D, Memo], Iterable[Finding]]
) -> Iterator[Finding]:
    """``judge(detector, memo)``'s findings (the first look), then, where there are any and
    ``detector.found_outlet_factor`` > 1, those of ``judge`` on a copy of the detector whose
    false-alarm rates (`detectors.base.rate_names`: the parameters the calibration bench scales
    too) are multiplied by the factor, less those overlapping a first-look finding on the same
    pollutant (the module docstring's second look).

    ``judge`` must judge one outlet with the detector it is given (its rates read from it), and
    must not itself take the second look; ``memo`` is the same (empty at first) for both looks:
    what ``judge`` keeps there with `kept` the second look reads. The first look is given
    ``detector`` itself and the second a copy, so ``judge`` tells them apart by identity
    (``look is not detector``: frozen, capping and low_variability judge the second look's
    stretches by rules of its own; the test pins it)."""
    factor = float(detector.found_outlet_factor)
    memo: Memo = {}
    first = [_marked(f, None) for f in judge(detector, memo)]
    yield from first
    if not first or factor <= 1.0:
        return
    look = copy.copy(detector)
    for name in rate_names(type(detector)):
        setattr(look, name, getattr(detector, name) * factor)
    lead, params = first[0], detector.get_params()
    for f in judge(look, memo):
        if not any(_same_stretch(f, g) for g in first):
            yield _marked(f, lead, factor, params)


def _same_stretch(a: Finding, b: Finding) -> bool:
    return a.pollutant == b.pollutant and a.start <= b.end and b.start <= a.end


def _marked(
    f: Finding,
    lead: Finding | None,
    factor: float | None = None,
    params: dict[str, object] | None = None,
) -> Finding:
    evidence = dict(f.evidence)
    evidence["found_outlet_factor"] = factor
    evidence["found_outlet_pollutant"] = None if lead is None else lead.pollutant
    evidence["found_outlet_start"] = None if lead is None else lead.start
    if lead is not None:
        if isinstance(evidence.get("rule"), str):
            evidence["rule"] += AGAIN
        evidence["params"] = params
    return dataclasses.replace(f, evidence=evidence)
