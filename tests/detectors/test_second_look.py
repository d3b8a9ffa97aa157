"""The second look at a found outlet (detectors.second_look), on a toy detector whose findings
are fixed stretches, each found when its 'chance' is under the detector's rate."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import pytest

from detectors.finding import Finding
from detectors.second_look import AGAIN, Memo, kept, with_second_look

T0 = pd.Timestamp("2026-01-01", tz="UTC")


def at(h: int) -> pd.Timestamp:
    return T0 + pd.Timedelta(hours=h)


class Toy:
    """Stretches (pollutant, first hour, last hour, chance): each one whose chance is at most
    ``false_alarms_per_year`` is a finding stating that rate (a rate named as every detector
    names its rates, `detectors.base.rate_names`: what the second look multiplies)."""

    def __init__(
        self,
        stretches: list[tuple[str, int, int, float]],
        factor: float,
        false_alarms_per_year: float = 0.001,
    ) -> None:
        self.stretches = stretches
        self.false_alarms_per_year = false_alarms_per_year
        self.found_outlet_factor = factor
        self.judged: list[float] = []
        self.itself: list[bool] = []  # per look, whether it was given this very detector
        self.made = 0  # how often the rate-free part (the stretches' chances) was worked out

    def get_params(self) -> dict[str, object]:
        return {
            "false_alarms_per_year": self.false_alarms_per_year,
            "found_outlet_factor": self.found_outlet_factor,
        }

    def judge(self, look: Toy, memo: Memo) -> Iterable[Finding]:
        self.judged.append(look.false_alarms_per_year)
        self.itself.append(look is self)
        for p, a, b, chance in kept(memo, "stretches", lambda: self._chances(look)):
            if chance <= look.false_alarms_per_year:
                yield Finding(
                    detector="toy",
                    category="integrity",
                    mn="M1",
                    pollutant=p,
                    start=at(a),
                    end=at(b),
                    severity="medium",
                    confidence=0.5,
                    summary="toy",
                    evidence={
                        "rule": "toy rule",
                        "rate": look.false_alarms_per_year,
                        "params": look.get_params(),
                    },
                )

    def _chances(self, look: Toy) -> list[tuple[str, int, int, float]]:
        self.made += 1
        return list(look.stretches)


def run(toy: Toy) -> list[Finding]:
    return list(with_second_look(toy, toy.judge))


def test_no_first_finding_means_no_second_look() -> None:
    toy = Toy([("COD", 0, 10, 0.05)], factor=100.0)
    assert run(toy) == []
    assert toy.judged == [0.001]  # judged once, at the stated rate


def test_a_found_outlet_is_judged_again_at_the_factor_times_the_rate() -> None:
    stretches = [
        ("COD", 0, 10, 0.0005),  # found at the stated rate
        ("COD", 5, 20, 0.05),  # overlaps it on the same channel: the same stretch, dropped
        ("NH3-N", 5, 20, 0.05),  # another channel: kept by the second look
        ("COD", 100, 120, 0.05),  # later on the same channel: kept
        ("TP", 0, 10, 0.5),  # over a hundred times the rate (0.1) too: never found
    ]
    toy = Toy(stretches, factor=100.0)
    found = run(toy)
    assert toy.judged == [0.001, pytest.approx(0.1)]
    # the first look is the detector, the second a copy: detectors tell the looks apart so
    assert toy.itself == [True, False]
    assert [(f.pollutant, f.start) for f in found] == [
        ("COD", at(0)),
        ("NH3-N", at(5)),
        ("COD", at(100)),
    ]
    first, *again = found
    assert first.evidence["found_outlet_factor"] is None
    assert first.evidence["found_outlet_pollutant"] is None
    assert first.evidence["rule"] == "toy rule"
    for f in again:
        assert f.evidence["found_outlet_factor"] == 100.0
        assert f.evidence["found_outlet_pollutant"] == "COD"
        assert f.evidence["found_outlet_start"] == at(0)
        assert f.evidence["rate"] == pytest.approx(0.1)  # the rate it was judged at
        assert f.evidence["rule"] == "toy rule" + AGAIN
        # the parameters as configured: running them again reproduces the finding
        assert f.evidence["params"] == {
            "false_alarms_per_year": 0.001,
            "found_outlet_factor": 100.0,
        }
    assert toy.false_alarms_per_year == 0.001  # the detector itself is not changed


def test_factor_one_is_no_second_look() -> None:
    toy = Toy([("COD", 0, 10, 0.0005), ("NH3-N", 5, 20, 0.05)], factor=1.0)
    assert [f.pollutant for f in run(toy)] == ["COD"]
    assert toy.judged == [0.001]


def test_the_second_look_reads_what_the_first_kept_and_each_outlet_starts_afresh() -> None:
    toy = Toy([("COD", 0, 10, 0.0005), ("TP", 0, 10, 0.05)], factor=100.0)
    assert [f.pollutant for f in run(toy)] == ["COD", "TP"]
    assert toy.judged == [0.001, 0.1] and toy.made == 1  # worked out by the first look only
    run(toy)
    assert toy.made == 2  # a memo per call: nothing kept from the last outlet


def test_kept_makes_once_per_key_and_keeps_nothing_without_a_memo() -> None:
    made: list[str] = []

    def make(key: str) -> str:
        made.append(key)
        return key.upper()

    memo: Memo = {}
    assert kept(memo, "a", lambda: make("a")) == "A" and kept(memo, "a", lambda: make("x")) == "A"
    assert kept(memo, "b", lambda: make("b")) == "B" and made == ["a", "b"]
    assert kept(None, "a", lambda: make("a")) == "A" and made == ["a", "b", "a"]
