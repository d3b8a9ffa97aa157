"""Are the detectors' stated false-alarm rates true? Their firings on honest fleets, counted.

Issue 10 asks every integrity detector to set its threshold for a stated false-alarm rate per
year (the ``false_alarm_rate_per_year`` of each finding's evidence). A rate of 0.001 a year
cannot be checked by counting at that rate: an honest fleet of a few hundred series-years would
show no false alarm whether the null is right or ten times wrong. So this bench raises every
detector's rate parameter by a factor (``--factors 1,100,1000``), runs the catalogue on fleets
with no falsifying outlet, and counts the integrity findings. A calibrated null fires about
``factor x rate x exposure`` times; a null that misjudges honest data fires far more (its
stated rate is a promise the data does not keep), or far less (its bar is stricter than it
says, which costs recall). Between the two the first matters: each extra firing is an
inspector sent to an honest plant.

Exposure: series-years (honest concentration series, pH and flow included, times years) or
outlet-years, as the detector's docstring says its rate is for (`units_of`: a property of the
detector, not of its findings; reviewer-K K6). Only a detector with no rate parameter (or
parameters in both units) is counted by its findings in the first table: against series-years
when a finding names a pollutant, else outlet-years (before, every detector was, and physics
and peer_outlier, stated per outlet, read against series-years: ratios about 6x too low).

Which detectors are scaled: every constructor parameter whose name ends in
``false_alarms_per_year`` (all of them at once, for detectors with several rules; every
detector names its rates so, and its evidence states the one a finding was judged at as
``false_alarm_rate_per_year``). Rules with a fixed constant rate, or none (measured facts), are
reported at factor 1 only, as "fixed".

Stated rate (the table's ``stated/yr``): what the rule's findings state at that factor, as
stated (not divided by the factor: a rule whose rate does not scale, such as one judged at a
module constant or at an outlet's rate times its own, would otherwise be read at a rate it
never held), and the expected count is that rate times the exposure. When a rule's findings
state different rates (a rule with two bars by length, a rule stating an outlet's rate times
its own) no one rate is the rule's: the range is printed and "mixed bars" instead of a ratio
(reviewer-J J1; before, the last finding's rate was taken for all).

Rate parameters (the second table, reviewer-J J17): the table above has a row only for a rule
that fired, so a rule that never fires at a factor -- "0 found where 5 were expected", a bar far
stricter than it states, i.e. recall given away -- was invisible. The second table has a row for
every rate parameter of every scaled detector at every factor (`rate_rows`): its rate
(``factor x default``), the detector's findings stating that rate, the expected count ``rate x
exposure`` in the unit the detector states the parameter per (`units_of`: declared by the
detector, `Detector.rate_units`, as its docstring states it: a property of the detector, so a detector that found nothing at any factor still
has its expected count, ratio and band), and the ratio with its band. A band wholly below 1
says the bar is stricter than stated. Parameters of one detector with equal rates
(standard_substitution's quiet and hold, noise and gap_side; copied_data's two) share one row,
their names joined by ``+``: a finding states a rate, not which of them it was judged by, so
their findings are counted once for the group against the group's allowance (each parameter's
``rate x exposure``, summed; reviewer-K K6: before, each printed the shared count against its
own expected count, and the quiet rule's row showed the hold rule's 3 findings). A finding
stating a rate no parameter has at that factor (a second look at a found outlet multiplies the
rate, standard_substitution's outlet rule states its outlet's rate times the rule's own) is
counted on the detector's "(other rates)" row with the rates it states, and one stating none
(a rule on facts) on "(no rate)", so the rows of a detector at a factor add up to its findings
there. standard_substitution states its rates within `detectors.base.STATED_RATE_RANGE` (1e-6
to 0.999, `detectors.base.clip_rate`): a parameter whose rate is outside states the range's
end, counted for it (its jump rate 1 at x100 states 0.999), and parameters whose rates clip to
one value share a row (jump 1 and outlet 10 at x100). A parameter that several rules each apply (frozen's "per series, for each rule")
allows that many times its rate; its row's expected count is one rate's (the first table has the
rules apart).

Honest data: both generators (the project's simulator and `bench/independent_fleet.py`) with a
falsifying share of 0; exceedances stay (they are not integrity). Seeds: 2001-2005 by default,
a range no detector was tuned on (tuning used 1-50) and no accuracy claim used; calibration is
a property of honest data, so these seeds may be reused for it.
Honest-only fleets of the tuning seeds (``--seeds 6,...,50``, also at ``--outlets 80``) are
where detectors' honest firings are studied and tuned (tenth session of 2026-12-05 on); they are
tuning data, not evidence. They are not new data beside the labelled fleets of the same seeds:
the independent generator's 80-outlet fleet of a seed shares no MN with its 40-outlet fleet,
but repeats most of its series under new MNs (27, 36 and 33 of the 40 COD series of seeds 6, 20
and 43 start with the same 200 values; one series of seed 34 is equal at all 4,234 hours;
helper-A, eighteenth session), so an honest firing seen on both is one case, not two. The
simulator's fleets share MNs but not values.

Usage: python bench/bench_calibration.py [--factors 1,100,1000] [--seeds 2001,...]
       [--generators simulator,independent] [--outlets 40] [--days 180] [--detectors a,b]
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_detect_accuracy import GENERATORS  # noqa: E402

from detectors import Detector, get  # noqa: E402
from detectors.base import RATE_SUFFIX, clip_rate, rate_names, rate_units_of  # noqa: E402
from detectors.registry import catalogue  # noqa: E402
from monitor.detection.batch import detect_readings  # noqa: E402

DAYS_PER_YEAR = 365.25


def rate_params(cls: type[Detector]) -> dict[str, float]:
    """The detector's rate parameters (`detectors.base.rate_names`) and their defaults."""
    params = inspect.signature(cls.__init__).parameters
    return {
        name: float(params[name].default)
        for name in rate_names(cls)
        if isinstance(params[name].default, int | float)
    }


def scaled(name: str, factor: float) -> Detector:
    cls = get(name)
    return cls(**{k: v * factor for k, v in rate_params(cls).items()})


def poisson_band(k: int) -> tuple[float, float]:
    """Exact 95 % interval of a Poisson mean having seen ``k``."""
    lo = 0.0 if k == 0 else stats.chi2.ppf(0.025, 2 * k) / 2
    return lo, stats.chi2.ppf(0.975, 2 * k + 2) / 2


def stated_rate(rates: list[float | None]) -> tuple[float, str, str]:
    """The rate a rule's findings state, as the table prints it, and what the band column says
    when no ratio can be given: one rate when every finding states the same (the rule's bar at
    the run's factor, as stated: a rule whose rate does not scale with the factor, or a rule
    judged at a fixed rate, is counted against what it states, not against its rate divided by
    the factor); "mixed bars" (rate NaN, the range printed) when they state different ones (a
    rule holding its stretches to two bars by length, or stating an outlet's rate times its
    own: a ratio against one of them, as this bench computed against the last finding's, could
    be off by any factor between them); "no stated rate" when none states one."""
    given = np.array([r for r in rates if r is not None], dtype="float64")
    if len(given) == 0:
        return np.nan, f"{np.nan:8.4g}", "no stated rate"
    lo, hi = float(given.min()), float(given.max())
    if len(given) < len(rates):
        return np.nan, "mixed", "mixed bars (some none)"
    if not np.isclose(lo, hi, rtol=1e-9, atol=0.0):
        return np.nan, f"{lo:.2g}-{hi:.2g}", "mixed bars"
    return hi, f"{hi:8.4g}", ""


def units_of(det: str) -> dict[str, str]:
    """The unit ("series" or "outlet") each of the detector's rate parameters is stated per, as
    the detector declares it (`detectors.base.rate_units_of`: a property of the detector, not of
    its findings; reviewer-K K6: read from the findings, the unit of a detector that found
    nothing at any factor was unknown, so its "0 found" had no expected count, ratio or band).
    tests/test_bench_calibration.py checks every rate parameter of the catalogue's integrity
    detectors has one."""
    return rate_units_of(get(det))


class RateRow(NamedTuple):
    """One row of the rate-parameter table (`rate_rows`): ``parameters`` a group of the
    detector's rate parameters sharing the row (empty: the detector's findings stating another
    rate, ``note`` "other rates", or none, "no rate"), their ``rates`` at ``factor``, ``k`` the
    findings counted on the row, ``expected`` their allowance (``rate x exposure`` in each
    parameter's unit, summed; NaN when a unit is not declared or for the other rows), ``unit``
    the units ("series", "outlet", "series+outlet", "" when not declared) and ``stated`` the
    distinct rates the row's findings state (sorted)."""

    detector: str
    parameters: tuple[str, ...]
    factor: float
    rates: tuple[float, ...]
    k: int
    expected: float
    unit: str
    stated: tuple[float, ...]
    note: str = ""


def _groups(params: dict[str, float], factor: float) -> list[tuple[str, ...]]:
    """The detector's rate parameters in groups whose findings cannot be told apart at
    ``factor``: equal rates, or rates stated as one value (`detectors.base.clip_rate`); in the
    parameters' order."""
    groups: list[tuple[float, list[str]]] = []
    for name, default in params.items():
        shown = clip_rate(default * factor)
        for value, names in groups:
            if np.isclose(value, shown, rtol=1e-9, atol=0.0):
                names.append(name)
                break
        else:
            groups.append((shown, [name]))
    return [tuple(names) for _, names in groups]


def rate_rows(
    found: dict[tuple[str, str, float], list],
    names: list[str],
    factors: list[float],
    series_years: float,
    outlet_years: float,
) -> list[RateRow]:
    """The rate-parameter table of ``names`` (detectors without a rate parameter left out) at
    each factor: a row per group of parameters whose findings cannot be told apart (`_groups`),
    found or not, then "(other rates)" and "(no rate)" when such findings exist; every finding
    of the detector at that factor (``found``: `run`'s cells) counted on exactly one row. A
    finding counts for a group when it states one of the group's rates (``factor x default``)
    or the value the group's rates are stated as (`clip_rate`). Expected: each parameter's
    rate times the exposure of its declared unit (`units_of`), summed over the group."""
    exposure = {"series": series_years, "outlet": outlet_years}
    rows = []
    for det in names:
        params = rate_params(get(det))
        if not params:
            continue
        units = units_of(det)
        for factor in factors:
            stated = [
                r for (d, _, f), cell in found.items() if d == det and f == factor for r in cell[1]
            ]
            given = np.array([np.nan if r is None else r for r in stated], dtype="float64")
            left = ~np.isnan(given)
            for group in _groups(params, factor):
                rates = tuple(params[n] * factor for n in group)
                values = np.array([*rates, clip_rate(rates[0])])
                close = np.isclose(given[:, None], values[None, :], rtol=1e-9, atol=0.0)
                hit = left & close.any(axis=1)
                left &= ~hit
                kinds = [units.get(n, "") for n in group]
                expected = (
                    sum(r * exposure[u] for r, u in zip(rates, kinds, strict=True))
                    if all(kinds)
                    else np.nan
                )
                unit = "+".join(dict.fromkeys(kinds)) if all(kinds) else ""
                rows.append(
                    RateRow(
                        det,
                        group,
                        factor,
                        rates,
                        int(hit.sum()),
                        float(expected),
                        unit,
                        tuple(np.unique(given[hit]).tolist()),
                    )
                )
            for mask, note in ((left, "other rates"), (np.isnan(given), "no rate")):
                if mask.any():
                    rows.append(
                        RateRow(
                            det,
                            (),
                            factor,
                            (),
                            int(mask.sum()),
                            np.nan,
                            "",
                            tuple(np.unique(given[mask]).tolist()) if note != "no rate" else (),
                            note,
                        )
                    )
    return rows


def declared_unit(det: str) -> str:
    """The unit the detector states its rates per when all its rate parameters share one
    (`units_of`), else "" (the first table then takes the findings': series when a finding
    names a pollutant). physics and peer_outlier state theirs per outlet though their findings
    name a pollutant: counted against series-years, their ratios read about 6x too low."""
    units = set(units_of(det).values())
    return units.pop() if len(units) == 1 else ""


def _short(name: str) -> str:
    """A rate parameter's name as the table prints it: without the common suffix, except the
    bare ``false_alarms_per_year``."""
    return name.removesuffix("_" + RATE_SUFFIX) if name != RATE_SUFFIX else name


def _rates_text(values: tuple[float, ...], digits: int = 2) -> str:
    """A row's rates: one value, or the range, in ``digits`` significant digits."""
    if not values:
        return "-"
    lo, hi = min(values), max(values)
    if np.isclose(lo, hi, rtol=1e-9, atol=0.0):
        return f"{lo:.{digits}g}"
    return f"{lo:.{digits}g}-{hi:.{digits}g}"


def run(args: argparse.Namespace) -> None:
    names = args.detectors.split(",") if args.detectors else list(catalogue())
    factors = [float(f) for f in args.factors.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    integrity = [n for n in names if get(n).category == "integrity"]
    print(
        f"honest fleets: {args.outlets} outlets x {args.days} days, seeds {seeds}, "
        f"generators {args.generators}; factors {factors}"
    )
    for generator in args.generators.split(","):
        # (detector, rule, factor) -> [findings, the rates they state (None: none), unit]
        found: dict[tuple[str, str, float], list] = defaultdict(lambda: [0, [], ""])
        series_years = outlet_years = 0.0
        for seed in seeds:
            fleet = GENERATORS[generator](seed, args.outlets, args.days, 0.0)
            falsifying = set(fleet.labels.loc[fleet.labels["pattern"] != "exceedance", "mn"])
            honest = sorted(set(fleet.specs) - falsifying)
            rows = fleet.readings[fleet.readings["mn"].astype(str).isin(honest)]
            years = args.days / DAYS_PER_YEAR
            n_series = rows[["mn", "pollutant"]].drop_duplicates().shape[0]
            series_years += n_series * years
            outlet_years += len(honest) * years
            for factor in factors:
                chosen = [
                    scaled(n, factor) for n in integrity if factor == 1 or rate_params(get(n))
                ]
                for f in detect_readings(rows, fleet.specs, chosen):
                    if f.category != "integrity":
                        continue
                    ev = f.evidence
                    cell = found[(f.detector, str(ev.get("rule", "?")), factor)]
                    cell[0] += 1
                    cell[1].append(ev.get("false_alarm_rate_per_year"))
                    cell[2] = "series" if f.pollutant else "outlet"
        print(
            f"\n== {generator}: {series_years:.0f} honest series-years, "
            f"{outlet_years:.0f} honest outlet-years"
        )
        print(
            f"{'detector':<22} {'rule':>4} {'stated/yr':>8} {'x':>5} {'found':>6} "
            f"{'expected':>9} {'ratio':>6} {'95% band of ratio':>18}"
        )
        table = []
        rules = sorted({(det, rule) for det, rule, _ in found})
        number = {key: i + 1 for i, key in enumerate(rules)}
        for (det, rule, factor), (k, rates, unit) in sorted(found.items()):
            unit = declared_unit(det) or unit
            exposure = series_years if unit == "series" else outlet_years
            rate, shown, note = stated_rate(rates)
            expected = rate * exposure if np.isfinite(rate) else np.nan
            lo, hi = poisson_band(k)
            ratio = k / expected if expected and np.isfinite(expected) else np.nan
            band = f"{lo / expected:6.2f}-{hi / expected:<6.2f}" if np.isfinite(ratio) else note
            fixed = "" if rate_params(get(det)) else " (fixed)"
            table.append((det, rule, rate, factor, k, expected, ratio, unit))
            print(
                f"{det:<22} {number[det, rule]:>4d} {shown:>8} {factor:5g} {k:6d} "
                f"{expected:9.2f} {ratio:6.2f} {band:>18} {unit}{fixed}"
            )
        for (det, rule), i in number.items():
            print(f"  rule {i} ({det}): {rule}")
        silent = [n for n in integrity if not any(d == n for d, _, _ in found)]
        print(f"no integrity finding at any factor: {', '.join(silent) or 'none'}")
        print(
            "\nrate parameters, found or not (parameters named without _false_alarms_per_year; "
            "a + joins parameters whose findings cannot be told apart, expected summed)"
        )
        print(
            f"{'detector':<22} {'parameter(s)':<28} {'x':>5} {'rate/yr':>11} {'found':>6} "
            f"{'expected':>9} {'unit':<7} {'ratio':>6} {'95% band of ratio':>18}  stated"
        )
        for row in rate_rows(found, integrity, factors, series_years, outlet_years):
            lo, hi = poisson_band(row.k)
            e = row.expected
            if row.note:
                ratio, band = f"{'-':>6}", "-"
            elif np.isfinite(e) and e > 0:
                ratio, band = f"{row.k / e:6.2g}", f"{lo / e:.2g}-{hi / e:.2g}"
            else:
                ratio, band = f"{'-':>6}", "unit not declared"
            shown = "+".join(_short(n) for n in row.parameters) or f"({row.note})"
            expected = f"{e:9.2f}" if np.isfinite(e) else f"{'-':>9}"
            unit = row.unit or ("-" if row.note else "?")
            print(
                f"{row.detector:<22} {shown:<28} {row.factor:5g} {_rates_text(row.rates):>11} "
                f"{row.k:6d} {expected} {unit:<7} {ratio} {band:>18}  "
                f"{_rates_text(row.stated, 3) if row.k else ''}"
            )
        frame = pd.DataFrame(
            table, columns=["detector", "rule", "rate", "factor", "k", "expected", "ratio", "unit"]
        )
        worst = frame[frame["factor"] > 1].sort_values("ratio", ascending=False).head(5)
        if len(worst):
            print("rules firing most above their stated rate (factor > 1):")
            for r in worst.itertuples(index=False):
                print(
                    f"  {r.detector} rule {number[r.detector, r.rule]} x{r.factor:g}: "
                    f"{r.k} found, {r.expected:.1f} expected"
                )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generators", default="simulator,independent")
    ap.add_argument("--seeds", default="2001,2002,2003,2004,2005")
    ap.add_argument("--factors", default="1,100,1000")
    ap.add_argument("--outlets", type=int, default=40)
    ap.add_argument("--days", type=int, default=180)
    ap.add_argument("--detectors", default=None, help="only these detectors (comma-separated)")
    run(ap.parse_args())


if __name__ == "__main__":
    main()
