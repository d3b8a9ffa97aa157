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

Exposure: a finding that names a pollutant is counted against series-years (honest
concentration series, pH and flow included, times years); one without a pollutant against
outlet-years. A detector's docstring says which unit its rate is for; the table prints the
ratio for that unit where the finding tells it.

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
every rate parameter of every scaled detector at every factor: its rate (``factor x
default``), the detector's findings stating exactly that rate (parameters of one detector with
equal rates share them, marked ``=``), the expected count ``rate x exposure`` for series-years
and for outlet-years, and the ratio with its band against the unit the detector's findings use
(none when it found nothing at any factor or its findings use both: the docstring says which).
A band wholly below 1 says the bar is stricter than stated.

Honest data: both generators (the project's simulator and `bench/independent_fleet.py`) with a
falsifying share of 0; exceedances stay (they are not integrity). Seeds: 2001-2005 by default,
a range no detector was tuned on (tuning used 1-50) and no accuracy claim used; calibration is
a property of honest data, so these seeds may be reused for it.
Honest-only fleets of the tuning seeds (``--seeds 6,...,50``, also at ``--outlets 80``: the
independent generator's 80-outlet fleet of a seed shares no outlet with its 40-outlet fleet, so
it is new honest data) are where detectors' honest firings are studied and tuned (tenth session
of 2026-12-05 on); they are tuning data, not evidence.

Usage: python bench/bench_calibration.py [--factors 1,100,1000] [--seeds 2001,...]
       [--generators simulator,independent] [--outlets 40] [--days 180] [--detectors a,b]
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_detect_accuracy import GENERATORS  # noqa: E402

from detectors import Detector, get  # noqa: E402
from detectors.base import rate_names  # noqa: E402
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


def rate_rows(
    found: dict[tuple[str, str, float], list],
    names: list[str],
    factors: list[float],
    series_years: float,
    outlet_years: float,
) -> list[tuple]:
    """One row per rate parameter of each of ``names`` (`rate_params`; detectors without one are
    left out) at each factor, found or not: ``(detector, parameter, factor, rate, shared, k,
    expected per series-years, expected per outlet-years, unit)``. ``k`` counts the detector's
    findings (``found``: `run`'s cells) at that factor stating ``rate`` (``factor x default``);
    ``shared`` names the detector's other parameters at the same rate (they share ``k``);
    ``unit`` is the one its findings use at any factor ("" when none or both)."""
    rows = []
    for det in names:
        params = rate_params(get(det))
        units = {cell[2] for (d, _, _), cell in found.items() if d == det and cell[0]}
        unit = units.pop() if len(units) == 1 else ""
        for factor in factors:
            stated = [
                r
                for (d, _, f), cell in found.items()
                if d == det and f == factor
                for r in cell[1]
                if r is not None
            ]
            for name, default in params.items():
                rate = default * factor
                shared = [
                    other
                    for other, value in params.items()
                    if other != name and np.isclose(value * factor, rate, rtol=1e-9, atol=0.0)
                ]
                k = int(np.isclose(np.asarray(stated, dtype="float64"), rate, rtol=1e-9).sum())
                rows.append(
                    (
                        det,
                        name,
                        factor,
                        rate,
                        shared,
                        k,
                        rate * series_years,
                        rate * outlet_years,
                        unit,
                    )
                )
    return rows


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
            "\nrate parameters, found or not (findings stating the parameter's rate; "
            "= : shared with an equal rate of the same detector)"
        )
        print(
            f"{'detector':<22} {'parameter':<34} {'x':>5} {'rate/yr':>8} {'found':>6} "
            f"{'exp/ser':>8} {'exp/out':>8} {'ratio':>6} {'95% band of ratio':>18}"
        )
        for det, name, factor, rate, shared, k, e_ser, e_out, unit in rate_rows(
            found, integrity, factors, series_years, outlet_years
        ):
            expected = {"series": e_ser, "outlet": e_out}.get(unit, np.nan)
            lo, hi = poisson_band(k)
            if np.isfinite(expected) and expected > 0:
                ratio, band = f"{k / expected:6.2g}", f"{lo / expected:.2g}-{hi / expected:.2g}"
            else:
                ratio, band = f"{'-':>6}", "unit unknown"
            shown = name + ("=" if shared else "")
            print(
                f"{det:<22} {shown:<34} {factor:5g} {rate:8.2g} {k:6d} {e_ser:8.2f} "
                f"{e_out:8.2f} {ratio} {band:>18} {unit or '?'}"
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
