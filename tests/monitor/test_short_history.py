"""Live detection judges short histories: a detector's null learned from them must not be empty.

`monitor demo` (seed 2026, 20 outlets, 30 days from 2026-11-05) once opened an integrity lead
on an honest outlet in its first day: TP visiting its registered standard for 10 h was judged
against the jump-bounded stretches of under two days of history (none), so against no bar.
"""

from __future__ import annotations

import pandas as pd

from detectors import build
from monitor.detection.batch import detect_readings
from monitor.simulation.simulator import simulate


def test_no_standard_substitution_on_honest_outlets_of_the_demos_first_days() -> None:
    start = pd.Timestamp("2026-11-05", tz="Asia/Shanghai")
    sim = simulate(20, 30, 2026, start=start, falsifying_share=0.2)
    detector = build(["standard_substitution"])
    for days in (0.9, 1.25, 1.5, 3.0):
        part = sim.readings[sim.readings["ts"] < start + pd.Timedelta(days=days)]
        found = list(detect_readings(part, sim.specs(), detector))
        assert [f.mn for f in found if f.mn not in sim.falsifying] == [], days
