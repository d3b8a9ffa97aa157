"""Hand-set (S-flagged) values: typed rather than measured, too many in a month, or placed over
high-load periods."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from detectors.base import Detector, register, units_per_year
from detectors.checks._common import (
    grid_channel,
    grid_flag_is,
    grid_flow,
    local_iso,
    month_label,
    stretches,
)
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.second_look import Memo, kept, with_second_look
from detectors.series import (
    DAY_HOURS,
    Segments,
    binomial_greater,
    fisher_combined,
    series_years,
)
from detectors.spec import COD, CONCENTRATIONS


@dataclass(frozen=True, slots=True)
class _Load:
    """An outlet's high-load hours: those with valid flow > 0 (``known``) at or above the
    ``threshold`` flow (``high``), and their baseline share ``p0`` of the known hours."""

    known: np.ndarray
    high: np.ndarray
    threshold: float
    p0: float


@register
class ManualValuesDetector(Detector):
    """Hand-set (S-flagged) values: typed rather than measured, too many in a month, or placed
    over high-load periods.

    Rule 1, typed values (null model: honest manual values are lab results, taken at least
    every ``lab_interval_hours`` as HJ 356 asks during an analyser failure, that vary as the
    channel's own measurements do). Per concentration channel, the S hours with a value are
    joined into stretches across breaks of at most ``join_hours``; a stretch of at least
    ``min_hours`` S values is tested. Its values are read at a step ``q`` (`_reported_step`: the
    coarsest of 1, 2, 5 x 10^k up to a tenth of their median that they are all multiples of, or,
    when finer, the step the standard lab method reports to: 1 mg/L COD below 100 mg/L, HJ
    828; three significant figures and at least 0.01 mg/L for NH3-N, TN and TP, HJ 535 / HJ 636:
    a lab that measured 20 mg/L COD four times a day reported 20, 20, 20, 20 at 1 mg/L, so a
    typed 20 is compared with the channel read at 1 mg/L, not at the 2 mg/L its own digits
    allow) and each lasts ``h`` hours (the median run of equal values, at most
    ``lab_interval_hours``). With ``l = min(its hours, window_hours)``
    (at least ``2 h``) and the relative range of a window ``r = (max - min) / mean`` (mean
    floored at 1e-9), its statistic ``r_S`` is the largest relative range of its ``l``-hour
    windows; the reference ``r_1..r_W`` are the relative ranges of the channel's valid (N, T)
    values rounded to ``q`` and read every ``h`` hours (every phase), over windows of ``l / h``
    readings holding as many results as the stretch's least covered window does (`_as_many`;
    when fewer than ``min_windows`` windows do, as many as the ``min_windows`` fullest hold,
    and at least half): what lab results at that pace and resolution would show. Two results
    agree more easily than four: the windows overlapping the S stretch itself, whose hours are
    no measurements, held two or three results of its four and were the only honest windows as
    flat as a typed day on the tests' channels; fewer-result windows made typed days look
    ordinary (independent tuning seeds 1-50: recall 270/280 -> 276/280, one value or two typed
    for one to three days, COD 30, 13-14, 20, 10 mg/L, TP 1.5 mg/L; simulator 163/164 both;
    no false finding on either generator's honest outlets before or after, at the default
    rate or at 0.01 and 0.1; the relabelling null check below, independent seeds 1-10 and
    simulator 1-5, 5,191 stretches: the same 2 findings before and after). Rules 1e and 1b use
    the same windows. Its p-value is

        p = max(#{w : r_w <= r_S} / W,  Phi((ln r_S - m) / s))

    (the empirical share, and a log-normal tail fitted to the positive ``ln r_w`` by their median
    ``m`` and ``s = 1.4826 * MAD``, so that a bar below one window in ``W`` can be set; ``r_S = 0``
    has a zero log-normal tail). A stretch is a finding when ``p < false_alarms_per_year * years
    / n_S`` (``n_S`` the channel's tested stretches, Bonferroni; ``years`` its grid span, at least
    a month), and at least ``min_windows`` reference windows exist: an honest channel is flagged
    at most ``false_alarms_per_year`` times a year. Null check on the tuning seeds 1-8 of both
    generators: 1,142 stretches (12 to 72 h) of honest channels' valid hours relabelled S, as
    measured or held 6 h and rounded like a lab, gave p < 0.01 on 9, p < 0.05 on 36 and a
    finding on 1 (a calibrated test expects 11, 57 and about 0.6). Reading round typed values
    at the method's step (independent tuning seeds 1-50: recall 0.90 -> 0.94, worst seed 0.50 ->
    0.62; a day or two of 50 mg/L COD, 5.5 then 5 mg/L NH3-N, 8.5 mg/L TN) left this check as
    it was: 24-72 h of honest channels (one, or all at once) relabelled S as measured, as lab
    results every 6 h at the method's rounding, or those with a 5 % lab scatter, gave 22
    findings of rules 1, 1b and 1c in 1,116 with and without it (independent seeds 1-6,
    simulator seeds 1-4); the analyser's last reading held for the whole stretch, one value
    entered rather than the four results a day HJ 356 asks, was found in 326 of 372 before and
    335 after. Stretches holding stopped
    (F) or fault (D) hours relabelled S gave 16 findings in 616: a stopped analyser's held value
    entered as S is one value for hours, which is what this rule looks for (an honest stop is
    flagged F, and then not tested).

    Rule 1c, typed values that jump (null model: honest S values are the channel's water measured
    by a lab, whose results scatter by a relative sd ``lab_cv`` around the truth, or the
    analyser's stored readings). A rule 1 stretch not found by rule 1 whose values change most
    hours (``h = 1``) is tested for the opposite: its statistic ``g_S`` is the median absolute
    change between consecutive hours divided by the mean, over its smoothest ``l``-hour window
    (the stretch jumps throughout; the median ignores an honest spike or two); the reference is
    the same over every ``l``-hour window of the channel's valid values multiplied by ``exp(e)``,
    ``e ~ N(0, lab_cv^2)`` drawn once per hour (a fixed draw: the same findings every run), and
    rounded to ``q``: lab results every hour of the same water. ``p = max(#{w : g_w >= g_S} / W,
    1 - Phi((ln g_S - m) / s))`` (empirical share, log-normal upper tail, as in rule 1), a finding
    when ``p`` is under rule 1's bar. Values drawn at random from a few round numbers (20, 30, 40
    mg/L; 0.2, 0.3 mg/L) jump by a step most hours, far more than a lab's scatter; a typed value
    held for hours (``h > 1``) is not tested. Null check on tuning seeds 1-10 of the independent
    generator and 1-4 of the simulator: 8,354 stretches (12 to 72 h) of honest channels' valid
    hours relabelled S, as measured, as lab results every 6 h, every 2 h or every hour with a
    10 % scatter: no finding. ``lab_cv = 0.10``: about twice the few per cent of within-laboratory
    relative sd the standard methods (dichromate COD, Nessler NH3-N, persulfate TP and TN) state
    at ordinary concentrations, so an honest lab working near its detection limit is not read as
    typing. This rule's false alarms add at most ``false_alarms_per_year`` a channel-year to rule
    1's.

    Rule 1d, typed values both flat and round (null model: honest S values are results reported
    to the lab method's step (`_lab_step`) or the analyser's stored readings at its own step
    (`_analyser_step`: the coarsest of 1, 2, 5 x 10^k its valid readings are all multiples of);
    an honest result's last digits fall evenly, so it is a multiple of a coarser step ``D`` with
    chance ``fine / D``, ``fine`` the coarser of those two steps, whatever its flatness). A rule 1
    stretch found neither by rule 1 nor by rule 1c whose ``k`` typed values (runs of equal
    values) are all multiples of ``D > fine`` (`_decimal_step`, at most a tenth of their median)
    has ``p_round = m * (fine / D) ** k`` (``m`` the steps of the ladder in ``(fine, D]``: the
    step is read off the values), and Fisher's combination of ``p_round`` and rule 1's ``p``,
    ``P(chi2_4 >= -2 (ln p + ln p_round))``, is a finding under rule 1's bar: 2.5 and 3 mg/L
    NH3-N typed every 6 h for two days where the analyser reports to 0.01 mg/L and its
    measurements are as flat a few times a year. Null check (the experiment of rule 1 with
    stretches of valid hours only, independent tuning seeds 1-12 and simulator 1-6: 1,920
    stretches of honest channels, one or all at once, relabelled S as measured, as lab results
    every 6 h at the method's rounding, or those with a 5 % lab scatter): no finding, before or
    after this rule. (Rule 1's experiment drew its stretches over any hours, stopped or fault
    ones included, whose held values are one value for hours, and gave 22 findings in 1,116;
    drawn over valid hours only, none in 1,920 with the code before this rule.) A single value
    held is seldom round enough to count (``p_round`` at best ``fine / D``): the misses of one
    round value typed for a day remain.

    Rule 1e, one value for a day or longer (null model: HJ 356's lab results, at least
    one every ``lab_interval_hours``, each with a lab's own relative scatter of at least
    ``flat_lab_cv``). A rule 1 stretch holding one value throughout (``r_S = 0``) for at least
    four lab intervals (a day: HJ 356's four results), not found by rule 1 against the
    channel's bare measurements, is tested against those measurements multiplied by ``exp(e)``, ``e ~ N(0,
    flat_lab_cv^2)`` drawn once per hour (a fixed draw), rounded to ``q`` and read every
    ``lab_interval_hours``: ``p`` is the share of its ``l``-hour windows whose results are all
    the same, a finding under rule 1's bar. Four honest lab results of a day agree to the
    method's step only where that step is coarse against the water's level and a lab's
    scatter; one value typed for a day (8.5 mg/L TN, 30 mg/L COD, 0.1 mg/L TP on the
    independent tuning seeds) is, to 0.01 mg/L, never four results. ``flat_lab_cv = 0.02``:
    under the few per cent of within-laboratory relative sd the standard methods state, so a
    precise lab is not read as typing (a smaller scatter makes equal results likelier). Null
    check as for rule 1d (1,920 stretches, stopped and fault hours not relabelled): no finding.
    The analyser's stored readings entered by hand keep its cycle (values held an hour or two,
    not tested here); the analyser's last reading held over the stretch, one value rather than
    HJ 356's four a day, is found.

    Rule 1f, one value a day within a stretch (rule 1e's null model, for a stretch whose
    values change: a typist entering one value a day for three days, 2.5 then 3 mg/L TN, is
    not flat over the stretch, so neither rule 1 nor rule 1e holds it). A rule 1 stretch not
    found by rule 1 and not tested by rule 1e whose typed values hold one value over
    consecutive typed hours for a median span ``L`` of at least four lab intervals (a day:
    HJ 356's four results; the values were entered once a day or less, not one long hold
    among values changing on the analyser's cycle, which is its stored readings) is tested
    as rule 1e tests a stretch: ``p`` is the larger of the share of ``L``-hour windows in
    which lab results of the channel's water every ``lab_interval_hours`` (its measurements
    with the lab scatter ``flat_lab_cv``, rounded to ``q``) are all the same and the share
    of its ``L``-hour windows of measurements holding one value (the analyser's stored
    readings holding that long), times the number of places an ``L``-hour span could sit in
    the stretch a lab interval apart (at least the spans of ``L`` hours or more it holds), a
    finding under rule 1's bar; the evidence's ``hold_hours`` is ``L``. A stretch rule 1f
    does not find goes on to rules 1c and 1d with rule 1's ``p`` (1d's ``p_flat``), not 1f's.
    Independent tuning seeds 1-50: recall 276 -> 277 of 280 labels (four channels typed once
    a day for three days); simulator 163 of 164 before and after; no finding on either
    generator's honest outlets of the labelled fleets nor on the honest-only fleets of seeds
    6-50 (80 outlets) before or after. Null checks (honest channels' valid hours relabelled
    S as measured): 1,581 one-channel stretches of 24-72 h (seeds 6-11 of both generators)
    and 3,545 channel-stretches of all four channels at once (seeds 12-15): the same
    stretch findings as before the rule (0 and 1); the stretches around every honest
    analyser hold of 24 h or more, 24 h each side (69, seeds 6, 9, 10, 12, 13 of both
    generators): 1 before and after. With the longest hold instead of the median (an
    earlier form) those stored readings gave 11 findings in 102 and the all-channel
    stretches 3 in 3,545.

    Rule 1b, channels typed together (null model: as rule 1 on each channel; the channels' lab
    results vary together only as their measurements do). Where two or more channels hold S values
    at the same hours (joined across ``join_hours``), each with at least ``min_hours`` of them in
    the stretch and none found by rule 1 there, each channel's ``r_S`` over the common ``l``-hour
    windows is tested against its own reference windows as in rule 1 (read every ``h`` hours,
    ``h`` the smallest of the channels' holds), giving ``p_c`` (at least ``0.5 / W``). The
    channels' reference windows are the same hours, so their dependence is measured: ``R`` is the
    correlation (negative ones taken as 0) of the windows' normal scores, and

        p = max(Phi(sum_c Phi^-1(p_c) / sqrt(sum R)),  #{w : r_w^c <= r_S^c for every c} / W)

    (Stouffer's combination with that correlation, and at least the share of windows where every
    channel was as flat at once). A finding, naming no single pollutant, when ``p <
    false_alarms_per_year * years / n_G`` (``n_G`` the outlet's tested stretches). One day typed
    on four channels, each as flat as a day of its own measurements once in 50 to 300 days, is
    caught; the same day on one channel is not. At the first look it leaves out each channel's
    open substitutes (rule 4), as rules 2 and 3 do: a power cut in the analysers' room has the
    operator carry every channel's level forward at once, which is one value on every channel
    together (the honest generator, seeds 5-24: two outlets found so, then judged again).

    Rule 4, a substitute entered openly (a validity note, category ``validity``, not a test):
    an S stretch of ``substitute_hours`` or more holding one value that is the median of the
    channel's values of the 24 h before it (any flag but S, at least 12 of them; where fewer
    were read, of the 48 or 72 h before) as an operator writes it (within half the value's own
    step, `_decimal_step`, at most a tenth of that level or `_written_step`, one decimal of
    mg/L or the lab method's step where coarser, whichever is coarser; a level under that step
    written as the step itself: TP read at 0.18 entered as 0.2, at 0.04 as 0.1) is an
    operator carrying the last day's level forward while the analyser is down, flagged S:
    the hours are not measurements (HJ 356 asks lab results), which the note says, but the
    value states the level the channel read, so rules 1, 1c-1f do not test it for typing. The
    honest generator (bench/honest_fleet.py) enters exactly this over blockages of a day or
    more at a quarter of its outlets; rules 1 and 1e read it as typed (one value for a day is
    not four lab results). The data cannot tell such a substitute from a falsifier typing the
    day before's level: of the labelled one-value S stretches of a day or more, 22 of 266
    (independent tuning seeds 1-50) and 0 of 1 (simulator) look like it, against 128 of 184
    on the honest generator (seeds 5-14). So at an outlet found by another stretch (the second
    look, whoever types seldom did it once) a substitute is tested for typing as before: two
    independent labels (seed 25 COD 15 mg/L typed where the day before's median was 15,
    seed 47 COD 60 where it was 57.5) are found only so. Nor is a substitute longer than
    ``max_substitute_hours`` (72, a repair's longest) exempt, nor any on a channel holding
    more than ``max_substitutes`` (4) of them per 180 days (`_open_substitutes`, reviewer-O
    O21): a falsifier who carries the day before's level over a week, or every few days, is
    tested for typing as before. Honest seeds 5-14 x 80 outlets:
    manual_values' integrity findings 178 on 74 outlets -> 102 on 36 (first look 165 -> 56;
    rule 1's first-look 142 -> 33), 65 validity notes; the second look adds no outlet. What is left
    on the honest generator is the same practice at a rounding coarser than a tenth of the
    level (TP to 0.05 mg/L at 0.2-0.4 mg/L, NH3-N to 0.1 mg/L under 1 mg/L): left, since a
    wider tolerance takes more of the labelled stretches (a fifth of the level: 145 honest,
    36 labelled).

    Since session 24 (helper-M) what was left is taken as the practice it is. On the honest
    generator's seeds 5-24, 69 of its 181 integrity findings were rule 1's first look at one
    value for a day or more, every one a substitute at a level the channel had just read: 45
    written coarser than a tenth of the level (TP 0.1, 0.2, 0.3 for 0.065-0.285, NH3-N 0.05 for
    0.02-0.06), 12 on a channel with four of them in 180 days, 4 under 24 h, 6 after a day with
    fewer than 12 readings, 1 longer than 72 h, 1 off the level (NH3-N 1.6 for 1.67); the 72
    second-look findings were at outlets found only so, and rule 2's months (S hours over a
    tenth) and rule 1b (every channel substituted at once) found outlets by the same
    substitutes. So the tolerance reads the step an operator writes (`_written_step`), a
    substitute may last from 12 h (``substitute_hours``), a channel may hold four per 180 days
    (``max_substitutes``: seeds 5-24 hold 1, 2, 3 and 4 on 192, 59, 12 and 4 channels), the
    level is read as far back as 72 h where the day before was not, and rules 1b and 2 leave
    open substitutes out at the first look as rule 3 does. Of the labelled one-value S stretches
    of 12 h or more, 58 of 237 (independent tuning seeds 1-50; 20 of them at most 72 h long,
    which alone are left untested) and 2 of 40 (simulator) now look like substitutes (of those
    of 24 h or more, 20 of 236 before, 11 of them at most 72 h; the simulator's none), against
    362 of 366 on the honest generator (seeds 5-24): no label lost, nor one found as sign.
    Honest generator, manual_values alone, seeds 5-24: integrity 181 findings on 62 outlets ->
    16 on 4 (the written step alone 90 on 26, with rules 1b and 2 56 on 14, four a channel 37 on
    10, 72 h back 32 on 8, from 12 h 16 on 4), validity notes 160 -> 351; check seeds 25-44, run
    only after choosing: 158 on 65 -> 21 on 8 (65 on 24, 35 on 11, 25 on 9, 25 on 9, 21 on 8).
    Labelled tuning seeds 1-50 (40 x 180 d, share 0.5): independent 277 of 280 labels as sign
    before and after, the same labels, and one more found by a note (278); integrity findings
    1,174 -> 1,172 (all on falsifying outlets); simulator 163 of 164, the same 333 findings;
    none on honest outlets of either, before or after. What is left on the honest generator: a
    value off the day before's level by more than its writing (NH3-N 1.6 for 1.67, 1.8 for 1.5,
    TN 5.9 for 6.0), no reading in the 72 h before, one longer than 72 h.

    Nor is a value a substitute that is at or under the channel's limit where the level it
    carries was over it (reviewer-T T7): a substitute states the level the channel read, and
    rounding it as an operator writes it must not move it across the limit (TP read at 0.539
    entered as 0.5 against a 0.5 limit is tested for typing: rule 1 finds it). Where no limit
    is known nothing is crossed. Honest generator look seeds 5-24: none of the 361 open
    substitutes crosses its limit so; the same findings before and after.

    Where the record begins with the stretch (fewer than 12 values in the 72 h before, which
    reach the grid's first hour), the level it carries was read before the record: it is read
    from the 24 h after the stretch instead (as far as 72 h for 12 values), and a value those
    readings take (their 10th to 90th percentile) is a substitute too (note
    ``manual_values.substitute_start``). Session 27 (helper-M7): the honest generator's seeds
    7 and 11 open their records with TN 4.5 mg/L for 37 h (the day after read 4.49-5.11) and
    TP 0.4 mg/L for 71 h (the day after 0.379), found as typed at 0.99 and so judging their
    outlets again (nine more findings, rule 3's high flow among them). Manual_values alone,
    honest generator look seeds 5-24: integrity 16 findings on 4 outlets -> 9 on 2, validity
    351 -> 357; check seeds 25-44 (run after choosing) 21 on 8 -> 21 on 8, validity 306 ->
    307. Labelled tuning seeds 1-50 (40 x 180 d, share 0.5): every finding the same
    (independent 1,174, 278 of 280 labels found, 277 as sign; simulator 333, 163 of 164 both);
    none on honest outlets, before or after. No labelled one-value S stretch begins a record
    on those seeds. What the brief of that session proposed, any one-value S stretch a
    validity note unless its value is under the readings around it, does not separate the
    generators: the labelled one-value stretches of 12 h or more sit at the level as the
    honest ones do (value over the lower of the medians of the day before and the day after:
    independent median 0.91, quartiles 0.77-1.07, 237 stretches; simulator median 0.96,
    40; honest 1.04, 5th percentile 0.94, 366); a value between the day before's and the day
    after's level would make 35 independent and 10 simulator labelled stretches substitutes
    (honest 1), and lifting the 72 h cap 34 labelled (the one honest finding it would take:
    COD 30 mg/L for 86 h, seed 20). Mended after reviewer-T7m: the band is kept within a
    tenth of the day after's median (a COD whose day after read 25-52 let 25, a third under
    its level, pass as carried). Left, stated: the detector cannot tell the record's start
    from the start of a clipped run (`monitor detect --from`, a readings file cut at a date),
    so there a value typed within a tenth of the day after's level passes as a substitute;
    live detection does not run this detector over its sliding windows.

    Rule 2, a fact rather than a test: in a local month, S hours over ``max_share`` of the month's
    grid hours (and at least ``min_hours``): the record was hand-set, whatever the values. At
    the first look it counts the S hours less rule 4's open substitutes up to
    ``substitute_share`` of the month's hours (evidence ``open_substitute_hours``, and
    ``open_substitute_hours_left_out`` of them), as rule 3 leaves them out: hours an analyser
    was down and said so are the month's validity, which `completeness` judges (S hours are not
    valid hours) and rule 4's notes name; the second look counts them all. Past
    ``substitute_share`` they count again (reviewer-T T7): with the share's own tenth, a month
    of substitutes alone is hand-set past a quarter of its hours, which holds two repairs of the
    longest (2 x 72 h, 21 % of February) and the honest generator's worst month on look seeds
    5-24 (157 h of 744, 21 %: three substitutes, one begun the month before), but not three of
    the longest (216 h, 29 %: three notes before, now rule 2). Leaving out at most one
    repair's longest (72 h) a channel-month instead makes that honest month a finding (85 h,
    11.4 %; check seeds 25-44 hold one such month too). The evidence ``share`` is the share
    tested (the S hours counted over the month's hours, reviewer-T T8), from which the
    confidence is set; ``manual_hours`` and the message's percentage are every S hour of the
    month. With the limit rule of rule 4 (session 24, helper-M2), manual_values alone: honest
    generator look seeds 5-24 the same 365 findings (16 integrity on 4 outlets, 351 validity),
    check seeds 25-44 (run after choosing; worst month 130 h, 17 %) the same 325 (21 on 8,
    306); labelled tuning seeds 1-50 (40 x 180 d, share 0.5) the same findings (independent
    1,174, 278 of 280 labels found, 277 as sign; simulator 333, 163 of 164 both), two rule 2
    confidences on each lower by the share now stated; none on honest outlets.

    Rule 3, placed over high load (null model: S hours fall at any flow): high-load hours are
    those with valid flow at or above the outlet's own ``high_flow_quantile`` of valid positive
    flow (baseline share ``p0`` of all hours with valid flow); a month whose S hours with known
    flow (``n``, ``k`` of them high-load) give ``k >= min_hours`` and ``P(X >= k | n, p0) <
    false_alarms_per_year / 12`` (one test per channel-month) is a finding. Rules 2 and 3 make
    one finding per channel and month naming those that fired, from the month's first to last
    S hour. At the first look rule 3 leaves out rule 4's open substitutes (`_open_hours`, the
    stretches rule 1 leaves untested there): their hours are when the analyser was down and
    until it was mended, not hours a typist chose, and a sample line clogs in high load (a
    storm, a solids surge), so the null "S hours fall at any flow" is false for them. Honest
    generator (bench/honest_fleet.py) seeds 5-24 x 80 x 180 d: rule 3 fired in 38 first-look
    findings, every one over one to three substitutes of 23-157 S hours (up to 66 of 71 high,
    p to 1e-34), 23 of them open substitutes; after, first-look findings of rule 3 alone 33 ->
    12 (the second look, at an outlet found otherwise, counts them as before: 2 -> 11), and
    manual_values' integrity findings 193 on 73 outlets -> 181 on 62 (validity notes 141 ->
    160); seeds 35-44, not looked at before choosing: 108 on 49 -> 86 on 35. Labelled tuning
    seeds 1-50 (40 x 180 d): independent 277 of 280 labels before and after, every finding
    the same (the label rule 3 alone finds, seed 42's COD 10 mg/L typed for a day at a level
    of 9, is no substitute); simulator 1-10 (bench): 33 of 33, the same 64 findings.
    Honest-only fleets 6-50 x 80: none before or after, both generators.

    At an outlet found (any rule), every rule is judged again at ``found_outlet_factor`` times
    the rate (`detectors.second_look`: the findings that adds, overlapping none made at the
    stated rate on the same pollutant, state that rate and name the first finding; their
    parameters are the detector's as configured): whoever types values by hand
    at an outlet seldom did it once, so a weaker stretch there is more likely the same habit than
    an honest channel's chance one. It adds no outlet: at an honest outlet the stated rate holds,
    and only one already wrongly found is held to ten times it. Tuning seeds, ``--detectors
    manual_values`` (independent generator): fresh fleets of 120 outlets x 180 d on seeds 1-15
    252 -> 254 of 260 labels (findings 993 -> 1,007), 16-30 260 -> 262 of 271 (1,103 ->
    1,118); 40 x 180 d, seeds 1-50, 277 of 280 before and after (1,171 -> 1,176); simulator
    163 of 164 (332 -> 333); none on honest outlets before or after. Honest-only fleets of
    tuning seeds 6-50 (80 x 180 d): no manual_values finding at the stated rate on either
    generator, so none judged again. The references, each stretch's statistics and p-values do
    not depend on the rate: the first look makes them once and the second reads them (`kept`,
    reviewer-E E10), so only the bars are judged again.

    Defaults: ``min_hours=6``, ``join_hours=6``, ``window_hours=240``, ``min_windows=30``,
    ``lab_interval_hours=6``, ``false_alarms_per_year=0.001`` (per channel and rule), share 10 %,
    high flow at the 75th percentile, ``lab_cv=0.10``, ``flat_lab_cv=0.02``,
    ``found_outlet_factor=10`` (1: off), ``substitute_hours=12``,
    ``max_substitute_hours=72``, ``max_substitutes=4``, ``substitute_share=0.15``.

    Honest traps it must not flag: a few days of manual lab values after an analyser breakdown
    (they vary as the analyser's values do; under the share; spread over load), on one channel or
    on every channel at once (a power cut in the analysers' room); the analysers' own stored
    readings entered by hand (S) after a link failure, as measured; S hours during low or
    ordinary flow; a channel whose own measurements are often flat (its windows set the bar);
    lab results every hour or two with a lab's scatter, an honest event's spike among them, a
    short maintenance of a few hours (rule 1c: none of them jumps beyond a lab's scatter most
    hours), lab results every 6 h that agree now and then where the method's step is coarse
    against the level (rule 1e).

    Not caught: one or two days of one typed value on a single channel when four lab results a
    day of the channel's water, at the method's step, agree as often as a few times a year (a
    coarse step against a low level: 10 mg/L COD reported to 1 mg/L); typed values that vary but
    are rounded far coarser than the analyser reports (10, 20, 30 mg/L) when they change every
    few hours, or jump by less than a lab's scatter (5.5, 6, 6.5 mg/L TN where the analyser reads
    about 11: a level below the channel's, which no rule tests, for want of a null model of how
    far honest lab results may sit from the analyser's): the resolution of S values is not
    tested beyond the step the lab method reports to (`_lab_step`) unless the stretch is also
    flatter than usual (rule 1d).
    """

    name = "manual_values"
    category = "integrity"
    rate_units = units_per_year(false_alarms_per_year="series")  # "per channel and rule"

    def __init__(
        self,
        *,
        max_share: float = 0.10,
        min_hours: int = 6,
        high_flow_quantile: float = 0.75,
        join_hours: int = 6,
        window_hours: int = 240,
        lab_interval_hours: int = 6,
        min_windows: int = 30,
        false_alarms_per_year: float = 0.001,
        lab_cv: float = 0.10,
        flat_lab_cv: float = 0.02,
        found_outlet_factor: float = 10.0,
        substitute_hours: int = 12,
        max_substitute_hours: int = 72,
        max_substitutes: int = 4,
        substitute_share: float = 0.15,
    ) -> None:
        self.max_share = max_share
        self.min_hours = min_hours
        self.high_flow_quantile = high_flow_quantile
        self.join_hours = join_hours
        self.window_hours = window_hours
        self.lab_interval_hours = lab_interval_hours
        self.min_windows = min_windows
        self.false_alarms_per_year = false_alarms_per_year
        self.lab_cv = lab_cv
        self.flat_lab_cv = flat_lab_cv
        self.found_outlet_factor = found_outlet_factor
        self.substitute_hours = substitute_hours
        self.max_substitute_hours = max_substitute_hours
        self.max_substitutes = max_substitutes
        self.substitute_share = substitute_share

    def _detect(self, outlet: OutletData) -> Iterable[Finding]:
        # the class docstring's second look (`detectors.second_look`): whoever types values by
        # hand at an outlet found doing it seldom did it once; what the first look learns
        # whatever the rate the second reads (`kept`)
        found = list(
            with_second_look(
                self, lambda look, memo: look._judge(outlet, memo, second=look is not self)
            )
        )
        yield from found
        for note in self._substitutes(outlet):
            if not any(_overlap(note, f) for f in found):
                yield note

    def _substitutes(self, outlet: OutletData) -> Iterable[Finding]:
        """Rule 4 (a validity note, not integrity): S stretches that are one value, the
        preceding day's median rounded (`_substitute`), entered for ``substitute_hours`` or
        more: a substitute for the analyser rather than the lab results HJ 356 asks."""
        for code in [c for c in CONCENTRATIONS if c in outlet.pollutants]:
            v, f, _ = grid_channel(outlet, code)
            typed = (f == "S") & ~np.isnan(v)
            if typed.sum() < self.min_hours:
                continue
            limit = outlet.spec.pollutant(code).upper_limit
            runs = stretches(typed, join_hours=self.join_hours)
            for a, b in zip(runs.first.tolist(), runs.last.tolist(), strict=True):
                sv = v[a : b + 1][typed[a : b + 1]]
                if len(sv) < self.min_hours:
                    continue
                key = _substitute(v, f, a, sv, self.substitute_hours, code, limit, b)
                if key is None:
                    continue
                yield self.finding(
                    outlet,
                    code,
                    outlet.grid[a],
                    outlet.grid[b],
                    severity="low",
                    confidence=1.0,
                    message=key,
                    category="validity",
                    evidence={
                        "rule": "one S value over the stretch, the preceding day's median "
                        "rounded (where the record begins with it, the level of the day after): "
                        "a substitute, not lab results (not tested for typing)",
                        "statistic": "the S value against the median of the 24 h before "
                        "(or up to 72 h where fewer than 12 were read; of the 24 h after where "
                        "the record begins with the stretch)",
                        "threshold": float(self.substitute_hours),
                        "window_hours": float(b - a + 1),
                        "false_alarm_rate_per_year": None,
                        "start": local_iso(outlet, a),
                        "end": local_iso(outlet, b),
                        "manual_hours": len(sv),
                        "value": float(sv[0]),
                    },
                    manual_hours=len(sv),
                    value=float(sv[0]),
                )

    def _open_substitutes(
        self,
        v: np.ndarray,
        f: np.ndarray,
        typed: np.ndarray,
        runs: Segments,
        tested: np.ndarray,
        years: float,
        code: str,
        limit: float | None = None,
    ) -> set[int]:
        """Which of the ``tested`` S stretches (indices into ``runs``) rule 4 leaves untested
        at the first look: substitutes (`_substitute`) of at most ``max_substitute_hours``
        (the honest generator's blockages last 3-72 h; a repair takes no longer), on a channel
        holding at most ``max_substitutes`` of them per 180 days (its channels hold up to four
        in 180 days). A falsifier who carries the day before's level over a longer
        stretch, or again and again, is tested for typing as before (reviewer-O O21)."""
        subs = [
            i
            for i in tested.tolist()
            if _substitute(
                v,
                f,
                int(runs.first[i]),
                v[runs.first[i] : runs.last[i] + 1][typed[runs.first[i] : runs.last[i] + 1]],
                self.substitute_hours,
                code,
                limit,
                int(runs.last[i]),
            )
            is not None
        ]
        if len(subs) > max(self.max_substitutes, self.max_substitutes * years * 365.25 / 180):
            return set()
        return {i for i in subs if runs.last[i] - runs.first[i] + 1 <= self.max_substitute_hours}

    def _open_hours(self, outlet: OutletData, code: str) -> np.ndarray:
        """The grid hours of ``code``'s S stretches that rule 4 leaves untested at the first
        look (`_open_substitutes`)."""
        v, f, _ = grid_channel(outlet, code)
        typed = (f == "S") & ~np.isnan(v)
        out = np.zeros(len(v), dtype=bool)
        runs = stretches(typed, join_hours=self.join_hours)
        if len(runs) == 0:
            return out
        count = np.add.reduceat(typed, runs.first)
        tested = np.flatnonzero(count >= self.min_hours)
        years = series_years(len(v))
        limit = outlet.spec.pollutant(code).upper_limit
        for i in self._open_substitutes(
            v, f, typed, runs, tested, years, code, limit
        ):  # a few per channel
            out[runs.first[i] : runs.last[i] + 1] = True
        return out & typed

    def _judge(
        self, outlet: OutletData, learned: Memo | None = None, *, second: bool = False
    ) -> Iterable[Finding]:
        """Every rule's findings at this detector's ``false_alarms_per_year`` (``learned``:
        what an earlier look at the outlet learned whatever the rate, `kept`; ``second``: the
        second look at an outlet found, which tests rule 4's substitutes for typing too)."""
        codes = [c for c in CONCENTRATIONS if c in outlet.pollutants]
        if not codes:
            return
        manual = grid_flag_is(outlet, codes, "S")
        if manual.sum() < self.min_hours:
            return
        months = outlet.local_months
        load = kept(learned, "load", lambda: self._load(outlet))
        month_ids, month_hours = np.unique(months, return_counts=True)
        flagged: list[tuple[pd.Timestamp, pd.Timestamp]] = []  # found channel by channel
        # rule 4's open substitutes, which rules 1b, 2 and 3 leave out at the first look
        open_hours = np.zeros_like(manual)
        for j, code in enumerate(codes):
            s_mask = manual[:, j]
            if s_mask.sum() < self.min_hours:
                continue
            for found in self._typed(outlet, code, learned, second=second):
                flagged.append((found.start, found.end))
                yield found
            # rules 2 and 3 at the first look leave rule 4's open substitutes out: their hours
            # are when the analyser was down, not when a typist chose to type
            if not second:
                open_hours[:, j] = kept(
                    learned, ("open", code), lambda code=code: self._open_hours(outlet, code)
                )
            placed = s_mask & ~open_hours[:, j]
            for month, n_month in zip(month_ids, month_hours, strict=True):
                in_month = s_mask & (months == month)
                if int(in_month.sum()) < self.min_hours:
                    continue
                found = self._month(
                    outlet, code, in_month, int(month), int(n_month), load, placed & in_month
                )
                if found is not None:
                    yield found
        yield from self._typed_together(outlet, codes, manual, flagged, learned, open_hours)

    def _load(self, outlet: OutletData) -> _Load:
        q, q_ok, _ = grid_flow(outlet)
        known = q_ok & (q > 0)
        threshold = (
            float(np.quantile(q[known], self.high_flow_quantile)) if known.any() else float("nan")
        )
        high_load = known & (q >= threshold)
        p0 = float(high_load.sum() / known.sum()) if known.any() else float("nan")
        return _Load(known, high_load, threshold, p0)

    def _month(
        self,
        outlet: OutletData,
        code: str,
        in_month: np.ndarray,
        month: int,
        n_month: int,
        load: _Load,
        placed: np.ndarray,
    ) -> Finding | None:
        """The finding of one channel's S hours ``in_month`` (of ``n_month`` grid hours), naming
        whichever rules fired; None when neither did. Rule 3 counts the S hours ``placed``
        (``in_month`` less rule 4's open substitutes at the first look); rule 2 counts them
        less those open substitutes up to ``substitute_share`` of the month (past that they
        count again), and its evidence ``share`` is that count over the month's hours."""
        n_s = int(in_month.sum())
        n_open = n_s - int(placed.sum())
        left_out = min(n_open, int(self.substitute_share * n_month))
        evidence: dict[str, Any] = {
            "month": month_label(month),
            "manual_hours": n_s,
            "share": (n_s - left_out) / n_month,  # the statistic rule 2 tests
            "month_hours": n_month,
        }
        if n_open:
            evidence["open_substitute_hours"] = n_open
            evidence["open_substitute_hours_left_out"] = left_out
        rules = []
        if evidence["share"] > self.max_share:
            rules.append("S hours / month hours > max_share")
        n = int((placed & load.known).sum())
        k = int((placed & load.high).sum())
        if k >= self.min_hours and 0 < load.p0 < 1:
            p = binomial_greater(k, n, load.p0)
            if p < self.false_alarms_per_year / 12.0:
                rules.append("S hours at high flow vs baseline share (binomial)")
                evidence |= {
                    "high_load_hours": k,
                    "share_high_load": k / n,
                    "baseline_share": load.p0,
                    "high_flow_threshold": load.threshold,
                    "p_value": p,
                }
        if not rules:
            return None
        # one finding per channel and month, naming whichever rules fired
        share_rule = rules[0].startswith("S hours /")
        message = "manual_values.share" if share_rule else "manual_values.high_load"
        evidence |= {
            "rule": "; ".join(rules),
            "statistic": "S hours (less open substitutes, up to substitute_share of the month) "
            "/ month hours"
            if share_rule
            else "binomial tail of S hours at high flow",
            "threshold": self.max_share if share_rule else self.false_alarms_per_year / 12.0,
            "window_hours": n_month,
            # the share is a fact, not a test; the binomial rule's rate when it alone fired
            "false_alarm_rate_per_year": None if share_rule else self.false_alarms_per_year,
        }
        return self._manual(
            outlet,
            code,
            np.flatnonzero(in_month),
            message,
            max(evidence["share"], evidence.get("share_high_load", 0.0)),
            evidence,
        )

    def _manual(
        self,
        outlet: OutletData,
        code: str,
        idx: np.ndarray,
        message: str,
        share: float,
        evidence: dict[str, Any],
    ) -> Finding:
        return self.finding(
            outlet,
            code,
            outlet.grid[idx[0]],
            outlet.grid[idx[-1]],
            severity="medium" if share > 0.5 else "low",
            confidence=min(0.9, 0.5 + share / 2),
            message=message,
            evidence=evidence,
            # the message's fact: the month's S hours (all of them) over its hours
            share_pct=round(100 * evidence["manual_hours"] / evidence["month_hours"], 1),
            baseline_share_pct=round(100 * float(evidence.get("baseline_share", 0.0)), 1),
        )

    def _stretch_finding(
        self,
        outlet: OutletData,
        code: str | None,
        span: tuple[int, int],
        p: float,
        bar: float,
        width: int,
        message: str,
        *,
        rule: str,
        statistic: str,
        evidence: dict[str, Any],
        **fmt: Any,
    ) -> Finding:
        """A finding over the S stretch ``span`` whose p-value ``p`` passed ``bar``: the evidence
        every stretch rule gives (rule, statistic, threshold, window, rate, times), then the
        rule's own ``evidence``; ``fmt`` fills its message."""
        a, b = span
        return self.finding(
            outlet,
            code,
            outlet.grid[a],
            outlet.grid[b],
            severity="medium",
            confidence=min(0.99, 1.0 - p),
            message=message,
            evidence={
                "rule": rule,
                "statistic": statistic,
                "threshold": bar,
                "window_hours": float(width),
                "false_alarm_rate_per_year": self.false_alarms_per_year,
                "start": local_iso(outlet, a),
                "end": local_iso(outlet, b),
                **evidence,
            },
            **fmt,
        )

    def _typed(
        self, outlet: OutletData, code: str, learned: Memo | None = None, *, second: bool = False
    ) -> Iterable[Finding]:
        """Rule 1: S stretches whose values vary far less than the channel's own measurements
        (``learned``: what an earlier look learned whatever the rate, `kept`)."""
        v, f, valid = grid_channel(outlet, code)
        typed = (f == "S") & ~np.isnan(v)
        runs = stretches(typed, join_hours=self.join_hours)
        count = np.add.reduceat(typed, runs.first) if len(runs) else np.zeros(0, dtype=np.int64)
        tested = np.flatnonzero(count >= self.min_hours)
        if len(tested) == 0:
            return
        years = series_years(len(v))
        bar = self.false_alarms_per_year * years / len(tested)
        measured = np.where(valid, v, np.nan)
        manual = np.where(typed, v, np.nan)
        # the references, each stretch's statistics and p-values, kept per channel (`kept`)
        learned = {} if learned is None else learned
        limit = outlet.spec.pollutant(code).upper_limit
        exempt = (
            set()
            if second
            else self._open_substitutes(v, f, typed, runs, tested, years, code, limit)
        )
        for i in tested.tolist():  # a few stretches per channel
            a, b = int(runs.first[i]), int(runs.last[i])
            width = min(b - a + 1, self.window_hours)
            sv = v[a : b + 1][typed[a : b + 1]]
            if i in exempt:
                # a substitute entered openly (S) at the preceding day's level: rule 4's
                # validity note, tested for typing only at an outlet found (second look)
                continue
            r_s, step, hold, need = kept(
                learned,
                ("stretch", code, a, b),
                lambda a=a, b=b, width=width, sv=sv: self._stretch(
                    manual[a : b + 1], typed[a : b + 1], sv, code, width
                ),
            )
            if width < 2 * hold:
                continue
            # the measurements as they would read at the typed values' resolution and pace, in
            # windows holding as many results as the stretch
            ref = kept(
                learned,
                ("reference", code, width, hold, step, need),
                lambda width=width, hold=hold, step=step, need=need: self._reference(
                    measured, width, hold, step, need
                ),
            )
            if len(ref) < self.min_windows:
                continue
            p, m, s = kept(
                learned, ("tail", code, a, b), lambda r_s=r_s, ref=ref: _range_tail(r_s, ref)
            )
            once = r_s == 0 and width >= 4 * self.lab_interval_hours and p >= bar
            if once:
                # rule 1e: one value for the whole stretch, held at least a lab interval: lab
                # results of the channel's water, each with a lab's scatter, would differ
                p = self._held_once(measured, width, hold, step, need, learned, code)
            held = 0
            p_flat = p  # what rule 1d combines: rule 1's (or 1e's) p, never rule 1f's
            if not once and p >= bar:
                # rule 1f: one value a day (or longer) within a stretch whose values change
                held, n_held = _day_holds(typed[a : b + 1], v[a : b + 1], self.lab_interval_hours)
                if held:
                    once = True
                    lab = self.lab_interval_hours
                    p_lab = self._held_once(
                        measured, held, lab, step, -(-held // lab), learned, code
                    )
                    # or the analyser's stored readings: as long a hold among its measurements
                    # as many looks as places such a hold could sit in the stretch
                    places = max(n_held, (b - a + 1 - held) // lab + 1)
                    share = kept(
                        learned,
                        ("held share", code, held),
                        lambda held=held: _held_share(measured, held),
                    )
                    p = min(1.0, places * max(p_lab, share))
            if p >= bar:
                # rule 1c: not too flat, but far rougher than lab results at that pace could be
                found = self._jumpy(
                    outlet,
                    code,
                    manual,
                    measured,
                    (a, b),
                    width,
                    hold,
                    step,
                    bar,
                    len(tested),
                    learned,
                )
                if found is None:
                    # the analyser's own step, read once per channel
                    resolution = kept(
                        learned, ("resolution", code), lambda: _analyser_step(measured)
                    )
                    found = self._rounded(
                        outlet, code, sv, (a, b), width, p_flat, bar, len(tested), resolution
                    )
                if found is not None:
                    yield found
                continue
            yield self._stretch_finding(
                outlet,
                code,
                (a, b),
                p,
                bar,
                width,
                "manual_values.typed",
                rule="S values vary less than the channel's own measurements: relative "
                "range of the stretch's windows against the same-length windows of valid "
                "values (empirical share, log-normal tail)",
                statistic="relative range (max - min) / mean over window_hours",
                evidence={
                    "manual_hours": int(typed[a : b + 1].sum()),
                    "distinct_values": len(np.unique(sv)),
                    "relative_range": r_s,
                    "reference_windows": len(ref),
                    "resolution": step,
                    "hold_hours": held or hold,
                    "reference": (
                        "the channel's measurements"
                        if not once
                        else "lab results with a lab's scatter (rule 1f: "
                        "one value held hold_hours within the stretch)"
                        if held
                        else "lab results with a lab's scatter (rule 1e)"
                    ),
                    "reference_lab_cv": self.flat_lab_cv if once else 0.0,
                    "reference_median_relative_range": float(np.exp(m)),
                    "reference_log_sd": s,
                    "p_value": p,
                    "stretches_tested": len(tested),
                },
                relative_range_pct=round(100 * r_s, 1),
                reference_pct=round(100 * float(np.exp(m)), 1),
            )

    def _stretch(
        self, manual: np.ndarray, typed: np.ndarray, sv: np.ndarray, code: str, width: int
    ) -> tuple[float, float, int, int]:
        """Of one S stretch (its ``manual`` values, NaN where not typed; ``typed`` its hours
        with an S value, ``sv`` their values): its largest relative range over ``width``-hour
        windows, the resolution honest lab results of it would have, the hours one typed value
        lasts (at most ``lab_interval_hours``) and the results a reference window must hold."""
        r_s = float(np.nanmax(_relative_ranges(manual, width)))
        step = _reported_step(sv, code)
        # honest manual values are lab results at least every lab_interval_hours
        hold = min(_hold_hours(sv), self.lab_interval_hours)
        need = _results_needed(typed, width, hold) if width >= 2 * hold else 0
        return r_s, step, hold, need

    def _reference(
        self, measured: np.ndarray, width: int, hold: int, step: float, need: int
    ) -> np.ndarray:
        """Rule 1's reference: the relative ranges of the channel's ``measured`` values as they
        would read at resolution ``step`` every ``hold`` hours, over ``width``-hour windows
        holding as many results as the stretch (``need``, `_as_many`)."""
        rounded = _rounded_to(measured, step)
        ranges = _sampled_ranges(rounded, width, hold)
        counts = _sampled_counts(measured, width, hold)
        return ranges[_as_many(ranges, counts, need, self.min_windows)]

    def _held_once(
        self,
        measured: np.ndarray,
        width: int,
        hold: int,
        step: float,
        need: int,
        learned: Memo | None,
        code: str,
    ) -> float:
        """Rule 1e's p: the share of ``width``-hour windows in which lab results of the
        channel's water every ``hold`` hours (its valid measurements, each with a lab's relative
        scatter ``flat_lab_cv``, one fixed draw, rounded to ``step``) are all the same (kept in
        ``learned`` per channel ``code``, `kept`)."""
        return kept(
            learned,
            ("held once", code, width, hold, step, need),
            lambda: self._held_once_share(measured, width, hold, step, need),
        )

    def _held_once_share(
        self, measured: np.ndarray, width: int, hold: int, step: float, need: int
    ) -> float:
        """`_held_once`, worked out."""
        lab = _lab_results(measured, self.flat_lab_cv, seed=len(measured) + 1)
        rounded = _rounded_to(lab, step)
        ranges = _sampled_ranges(rounded, width, hold)
        kept = _as_many(ranges, _sampled_counts(measured, width, hold), need, self.min_windows)
        ranges = ranges[kept]
        return float(np.mean(ranges <= 0)) if len(ranges) >= self.min_windows else 1.0

    def _rounded(
        self,
        outlet: OutletData,
        code: str,
        sv: np.ndarray,
        span: tuple[int, int],
        width: int,
        p_flat: float,
        bar: float,
        n_tested: int,
        resolution: float,
    ) -> Finding | None:
        """Rule 1d: the S stretch ``span`` (typed values ``sv``) is flatter than usual (rule 1's
        ``p_flat``, not enough alone) and its values are rounder than an honest lab or the
        analyser reports them: Fisher's combination of the two with rule 1's bar."""
        p_round, coarse, fine, k = _roundness(sv, code, resolution)
        if p_round >= 1.0:
            return None
        p = fisher_combined([p_flat, p_round])
        if p >= bar:
            return None
        return self._stretch_finding(
            outlet,
            code,
            span,
            p,
            bar,
            width,
            "manual_values.rounded",
            rule="S values both flatter than the channel's own measurements (rule 1's "
            "relative range tail) and rounder than a lab or the analyser reports (each "
            "typed value a multiple of a step coarser than theirs): Fisher's combination",
            statistic="Fisher combination of the flatness and roundness p-values",
            evidence={
                "manual_hours": len(sv),
                "typed_values": k,
                "typed_step": coarse,
                "reported_step": fine,
                "analyser_step": resolution,
                "p_flat": p_flat,
                "p_round": p_round,
                "p_value": p,
                "stretches_tested": n_tested,
            },
            typed_step=coarse,
            reported_step=fine,
        )

    def _jumpy(
        self,
        outlet: OutletData,
        code: str,
        manual: np.ndarray,
        measured: np.ndarray,
        span: tuple[int, int],
        width: int,
        hold: int,
        step: float,
        bar: float,
        n_tested: int,
        learned: Memo | None = None,
    ) -> Finding | None:
        """Rule 1c: the S stretch ``span`` changes from hour to hour far more than the
        channel's own measurements, at the typed values' resolution and pace, ever do (its
        roughness and p-value kept in ``learned``, `kept`)."""
        a, b = span
        if hold > 1:
            return None  # values held for hours do not jump from hour to hour
        judged = kept(
            learned,
            ("jumpy", code, a, b, width, step),
            lambda: self._roughness_tail(manual[a : b + 1], measured, width, step),
        )
        if judged is None:
            return None
        g, n_ref, p, m, s = judged
        if p >= bar:
            return None
        return self._stretch_finding(
            outlet,
            code,
            (a, b),
            p,
            bar,
            width,
            "manual_values.jumpy",
            rule="S values jump from hour to hour more than lab results of the channel's "
            "water could (its measurements with a lab's scatter lab_cv, rounded to the S "
            "values' resolution): median absolute hourly change / mean of the stretch's "
            "smoothest window against the same-length windows of those (empirical share, "
            "log-normal upper tail)",
            statistic="median absolute hourly change / mean over window_hours",
            evidence={
                "manual_hours": int((~np.isnan(manual[a : b + 1])).sum()),
                "roughness": g,
                "reference_windows": n_ref,
                "resolution": step,
                "hold_hours": hold,
                "lab_cv": self.lab_cv,
                "reference_median_roughness": float(np.exp(m)),
                "reference_log_sd": s,
                "p_value": p,
                "stretches_tested": n_tested,
            },
            roughness_pct=round(100 * g, 1),
            reference_pct=round(100 * float(np.exp(m)), 1),
        )

    def _roughness_tail(
        self, manual: np.ndarray, measured: np.ndarray, width: int, step: float
    ) -> tuple[float, int, float, float, float] | None:
        """Rule 1c's statistic of an S stretch (its ``manual`` values): the roughness ``g`` of
        its smoothest ``width``-hour window, how many reference windows it was judged against,
        and `_rough_tail`'s (p, m, s); None when it cannot be judged."""
        g_s = _roughness(manual, width)
        if len(g_s) == 0 or np.isnan(g_s).all():
            return None
        g = float(np.nanmin(g_s))  # the stretch is rough throughout: its smoothest window
        # lab results of the channel's water every hour: its measurements with a lab's own
        # scatter (relative sd lab_cv, one fixed draw so that a series always gives the same
        # findings), rounded to the S values' step
        lab = _lab_results(measured, self.lab_cv, seed=len(measured))
        rounded = _rounded_to(lab, step)
        ref = _roughness(rounded, width)
        ref = ref[~np.isnan(ref)]
        if len(ref) < self.min_windows or not g > 0:
            return None
        return (g, len(ref), *_rough_tail(g, ref))

    def _typed_together(
        self,
        outlet: OutletData,
        codes: list[str],
        manual: np.ndarray,
        flagged: list[tuple[pd.Timestamp, pd.Timestamp]],
        learned: Memo | None = None,
        open_hours: np.ndarray | None = None,
    ) -> Iterable[Finding]:
        """Rule 1b: stretches where two or more channels are typed (S) together, none of them
        found alone, whose ranges are jointly too small (see the class docstring), leaving out
        the ``open_hours`` (per channel: rule 4's open substitutes at the first look); each
        stretch's p-value kept in ``learned`` (`kept`)."""
        open_hours = np.zeros_like(manual) if open_hours is None else open_hours
        manual = manual & ~open_hours
        if np.count_nonzero(manual.sum(axis=1) >= 2) < self.min_hours:
            return  # fewer hours with two channels S than a stretch needs
        cols = [grid_channel(outlet, c) for c in codes]
        typed = np.column_stack([(f == "S") & ~np.isnan(v) for v, f, _ in cols]) & ~open_hours
        groups = stretches(typed.sum(axis=1) >= 2, join_hours=self.join_hours)
        tested = []
        for a, b in zip(groups.first.tolist(), groups.last.tolist(), strict=True):
            members = np.flatnonzero(typed[a : b + 1].sum(axis=0) >= self.min_hours)
            start, end = outlet.grid[a], outlet.grid[b]
            if len(members) >= 2 and not any(s <= end and start <= e for s, e in flagged):
                tested.append((a, b, members))
        if not tested:
            return
        years = series_years(len(outlet.grid))
        bar = self.false_alarms_per_year * years / len(tested)
        for a, b, members in tested:
            width = min(b - a + 1, self.window_hours)
            judged = kept(
                learned,
                # the hours judged differ between the looks where substitutes were left out
                (
                    "together",
                    a,
                    b,
                    tuple(codes),
                    tuple(members.tolist()),
                    open_hours[a : b + 1].any(),
                ),
                lambda a=a, b=b, members=members, width=width: self._together_p(
                    codes, cols, typed, a, b, members, width
                ),
            )
            if judged is None:
                continue
            r_s, p_one, steps, corr, p, hold = judged
            if p >= bar:
                continue
            yield self._together(
                outlet,
                codes,
                a,
                b,
                members,
                r_s,
                p_one,
                steps,
                corr,
                p,
                bar,
                width,
                hold,
                len(tested),
            )

    def _together_p(
        self,
        codes: list[str],
        cols: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
        typed: np.ndarray,
        a: int,
        b: int,
        members: np.ndarray,
        width: int,
    ) -> tuple[list[float], list[float], list[float], np.ndarray, float, int] | None:
        """Rule 1b's statistic of the stretch ``a..b`` typed together on the channels
        ``members`` (of ``codes``; ``cols`` their `grid_channel`, ``typed`` their hours with an
        S value): each channel's relative range and p-value, its resolution, the correlation of
        the channels' reference windows' normal scores, the combined p-value and the hold
        (hours); None when it cannot be judged."""
        from scipy.special import ndtr, ndtri

        values = [cols[j][0][a : b + 1][typed[a : b + 1, j]] for j in members]
        hold = min(min(_hold_hours(sv) for sv in values), self.lab_interval_hours)
        if width < 2 * hold:
            return None
        r_s: list[float] = []
        ref: list[np.ndarray] = []
        p_one: list[float] = []
        steps: list[float] = []
        for j, sv in zip(members.tolist(), values, strict=True):
            v, _, valid = cols[j]
            r = _relative_ranges(np.where(typed[a : b + 1, j], v[a : b + 1], np.nan), width)
            step = _reported_step(sv, codes[j])
            measured = np.where(valid, v, np.nan)
            rounded = _rounded_to(measured, step)
            ranges = _sampled_ranges(rounded, width, hold)  # the same windows per channel
            need = _results_needed(typed[a : b + 1, j], width, hold)
            counts = _sampled_counts(measured, width, hold)
            ranges = np.where(_as_many(ranges, counts, need, self.min_windows), ranges, np.nan)
            finite = ranges[~np.isnan(ranges)]
            if len(r) == 0 or np.isnan(r).all() or len(finite) < self.min_windows:
                return None
            r_s.append(float(np.nanmax(r)))
            ref.append(ranges)
            p_one.append(max(_range_tail(r_s[-1], finite)[0], 0.5 / len(finite)))
            steps.append(step)
        windows = np.vstack(ref)
        ok = ~np.isnan(windows).any(axis=0)
        if ok.sum() < self.min_windows:
            return None
        windows = windows[:, ok]
        # dependence between the channels' ranges, from their windows' normal scores
        # (pandas' average ranks, as scipy.stats.rankdata gives, without importing
        # scipy.stats: half a second and 45 MB in every process that reaches here)
        ranks = pd.DataFrame(windows).rank(axis=1).to_numpy()
        scores = ndtri((ranks - 0.5) / windows.shape[1])
        corr = np.clip(np.corrcoef(scores), 0.0, 1.0)
        z = float(np.sum(ndtri(np.array(p_one))) / np.sqrt(corr.sum()))
        jointly = float(np.mean((windows <= np.array(r_s)[:, None]).all(axis=0)))
        p = max(float(ndtr(z)), jointly)
        return r_s, p_one, steps, corr, p, hold

    def _together(
        self,
        outlet: OutletData,
        codes: list[str],
        a: int,
        b: int,
        members: np.ndarray,
        r_s: list[float],
        p_one: list[float],
        steps: list[float],
        corr: np.ndarray,
        p: float,
        bar: float,
        width: int,
        hold: int,
        n_tested: int,
    ) -> Finding:
        names = [codes[j] for j in members.tolist()]
        return self._stretch_finding(
            outlet,
            None,
            (a, b),
            p,
            bar,
            width,
            "manual_values.typed_together",
            rule="channels typed (S) together vary less than their own measurements: "
            "each channel's relative range against its reference windows, combined over the "
            "channels (Stouffer, with the correlation of the same windows' normal scores), "
            "at least the share of windows where every channel was as flat",
            statistic="combined tail of the channels' relative ranges over window_hours",
            evidence={
                "channels": names,
                "relative_ranges": dict(zip(names, r_s, strict=True)),
                "channel_p_values": dict(zip(names, p_one, strict=True)),
                "resolutions": dict(zip(names, steps, strict=True)),
                "hold_hours": hold,
                "correlation_sum": float(corr.sum()),
                "p_value": p,
                "stretches_tested": n_tested,
            },
            n_channels=len(names),
            channel_list=", ".join(names),
        )


def _rounded_to(x: np.ndarray, step: float) -> np.ndarray:
    """``x`` rounded to multiples of ``step`` (as is when ``step`` is 0: no step known)."""
    return x if step == 0 else np.round(x / step) * step


def _lab_results(measured: np.ndarray, cv: float, seed: int) -> np.ndarray:
    """Lab results of the channel's water: its measurements, each with a lab's relative scatter
    ``cv`` (log-normal), one fixed draw (``seed``) so that a series always gives the same
    findings."""
    return measured * np.exp(np.random.default_rng(seed).normal(0.0, cv, len(measured)))


def _relative_ranges(x: np.ndarray, width: int) -> np.ndarray:
    """(max - min) / mean of every window of ``width`` consecutive elements of ``x`` holding at
    least half of them valid (NaN elsewhere), one per window start."""
    from scipy.ndimage import maximum_filter1d, minimum_filter1d

    x = np.asarray(x, dtype="float64")
    n = len(x)
    if n < width or width < 1:
        return np.zeros(0)
    ok = ~np.isnan(x)
    at = np.arange(n - width + 1) + width // 2  # the filters' centre of the window starting at k
    hi = maximum_filter1d(np.where(ok, x, -np.inf), width)[at]
    lo = minimum_filter1d(np.where(ok, x, np.inf), width)[at]
    total = np.r_[0.0, np.cumsum(np.where(ok, x, 0.0))]
    k = _valid_counts(x, width)
    mean = (total[width:] - total[:-width]) / np.maximum(k, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (hi - lo) / np.maximum(mean, 1e-9)
    return np.where(k >= max(2, (width + 1) // 2), r, np.nan)


def _range_tail(r_s: float, ref: np.ndarray) -> tuple[float, float, float]:
    """(p, m, s): the chance of a relative range at most ``r_s`` among the reference windows
    ``ref``, the larger of the empirical share and a log-normal tail (median ``m`` and robust sd
    ``s`` of the positive ``ln ref``)."""
    from scipy.special import ndtr

    share = float(np.mean(ref <= r_s))
    logs = np.log(ref[ref > 0])
    if len(logs) < 2:
        return 1.0, float("nan"), float("nan")
    m = float(np.median(logs))
    s = max(1.4826 * float(np.median(np.abs(logs - m))), 1e-6)
    tail = 0.0 if r_s <= 0 else float(ndtr((np.log(r_s) - m) / s))
    return max(share, tail), m, s


def _roughness(x: np.ndarray, width: int) -> np.ndarray:
    """The median absolute change between consecutive hours of ``x`` divided by the mean, over
    every window of ``width`` hours with at least half of its changes valid and a positive mean
    (NaN elsewhere), one per window start: how much the values jump from hour to hour, which a
    spike or two (an honest event) barely moves."""
    x = np.asarray(x, dtype="float64")
    if len(x) < width or width < 3:
        return np.zeros(0)
    half = max(2, width // 2)
    jump = pd.Series(np.abs(np.diff(x))).rolling(width - 1, min_periods=half).median()
    mean = pd.Series(x).rolling(width, min_periods=half).mean().to_numpy()[width - 1 :]
    with np.errstate(invalid="ignore", divide="ignore"):
        g = jump.to_numpy()[width - 2 :] / mean
    return np.where(mean > 0, g, np.nan)


def _rough_tail(g: float, ref: np.ndarray) -> tuple[float, float, float]:
    """(p, m, s): the chance of a roughness at least ``g`` among the reference windows ``ref``,
    the larger of the empirical share and a log-normal upper tail (median ``m`` and robust sd
    ``s`` of the positive ``ln ref``)."""
    from scipy.special import ndtr

    share = float(np.mean(ref >= g))
    logs = np.log(ref[ref > 0])
    if len(logs) < 2:
        return 1.0, float("nan"), float("nan")
    m = float(np.median(logs))
    s = max(1.4826 * float(np.median(np.abs(logs - m))), 1e-6)
    return max(share, float(ndtr((m - np.log(g)) / s))), m, s


#: The steps values are rounded to: 1, 2 and 5 times a power of ten.
_STEPS = np.sort(np.outer([1.0, 2.0, 5.0], 10.0 ** np.arange(-4, 5)).ravel())


def _overlap(a: Finding, b: Finding) -> bool:
    return a.pollutant == b.pollutant and a.start <= b.end and b.start <= a.end


def _substitute(
    v: np.ndarray,
    f: np.ndarray,
    a: int,
    sv: np.ndarray,
    hours: int,
    code: str,
    limit: float | None = None,
    last: int | None = None,
) -> str | None:
    """The note's message key where the S values ``sv`` of channel ``code``'s stretch from
    grid hour ``a`` to ``last`` (``v`` and ``f`` the channel's values and flags) are an open
    substitute (``manual_values.substitute_start`` where its level is read after it), else
    None. A substitute: at least ``hours``
    of them, all one value, the median of the channel's values of the 24 h before (any flag
    but S, at least 12) as an operator writes it (`_written_step`): within half the value's
    own rounding step (`_decimal_step`, at most a tenth of the level or the step an operator
    writes, whichever is coarser) of that level, or that step itself over a level below it;
    and not at or under the channel's ``limit`` where the level was over it (a substitute
    states the level the channel read, so its rounding does not move it across the limit:
    TP read at 0.539 entered as 0.5 against a 0.5 limit is tested for typing). The operator
    carried the last day's level forward, rounded, while the analyser was down.

    Where the record begins with the stretch (fewer than 12 values read in the 72 h before,
    which reach back to the grid's first hour), the level it carried was read before the
    record: it is read instead from the channel's values of the 24 h after ``last`` (as far
    as 72 h for 12 of them), and a value those readings take (from their 10th to their 90th
    percentile, a day's drift away from the level carried), within a tenth of their median,
    is a substitute too."""
    if len(sv) < hours or sv.min() != sv.max():
        return None
    around, start = _read_beside(v, f, a, -1), False
    if len(around) < DAY_HOURS // 2 and a <= 3 * DAY_HOURS and last is not None:
        around, start = _read_beside(v, f, last, 1), True  # the record begins with the stretch
    if len(around) < DAY_HOURS // 2:
        return None
    key = "manual_values.substitute_start" if start else "manual_values.substitute"
    level = float(np.median(around))
    value = float(sv[0])
    if limit is not None and level > limit >= value:
        return None  # rounded down across the limit: no longer the level the channel read
    step = _decimal_step(sv[:1], max(0.1 * abs(level), _written_step(code, level)))
    near = 1e-9 * max(1.0, abs(level))
    if step <= 0:
        return None
    if abs(value - level) <= step / 2 + near or (abs(value - step) <= near and level < step):
        return key
    if not start:
        return None
    low, high = np.quantile(around, [0.1, 0.9])
    # inside the day's band and within a tenth of its median: the band alone let a value at
    # the day's 10th percentile (COD 25 for a median of 36) stand for the level
    low, high = max(low, 0.9 * level), min(high, 1.1 * level)
    return key if low - near <= value <= high + near else None


def _read_beside(v: np.ndarray, f: np.ndarray, at: int, way: int) -> np.ndarray:
    """The channel's values (any flag but S) of the 24 h before grid hour ``at`` (``way`` -1)
    or after it (``way`` 1), or of as many days (up to three) as it takes to read 12 of them."""
    for days in (1, 2, 3):
        if way < 0:
            lo, hi = max(0, at - days * DAY_HOURS), at
        else:
            lo, hi = at + 1, min(len(v), at + 1 + days * DAY_HOURS)
        x = v[lo:hi]
        x = x[(f[lo:hi] != "S") & ~np.isnan(x)]
        if len(x) >= DAY_HOURS // 2:
            break
    return x


def _written_step(code: str, level: float) -> float:
    """The coarsest step an operator writes a substitute of ``code`` near ``level`` to: one
    decimal of mg/L (0.1), or the lab method's step where that is coarser (`_lab_step`: whole
    mg/L of COD). A substitute is the recent level as the operator writes it, not a lab
    result: TP read at 0.18 mg/L is entered as 0.2, NH3-N at 0.02 as 0.05 (a level under the
    step as the step itself), a tenth of its level or more away."""
    return max(0.1, _lab_step(code, level))


def _decimal_step(values: np.ndarray, cap: float) -> float:
    """The coarsest step of `_STEPS` at most ``cap`` that every value is a multiple of (0 when
    none is)."""
    steps = _STEPS[cap >= _STEPS]
    if len(steps) == 0 or len(values) == 0:
        return 0.0
    ratio = values[None, :] / steps[:, None]
    whole = np.all(np.abs(ratio - np.round(ratio)) < 1e-6 * np.maximum(1.0, np.abs(ratio)), axis=1)
    return float(steps[whole].max()) if whole.any() else 0.0


def _lab_step(code: str, level: float) -> float:
    """The step an honest lab reports a result of ``code`` near ``level`` to, by the standard
    method's rounding rule: COD (HJ 828-2017) whole mg/L below 100 and three significant figures
    above; NH3-N (HJ 535-2009) and TN (HJ 636-2012) three significant figures, 0.01 mg/L below
    1; TP (GB 11893-89) read the same way. Never finer than 0.01 mg/L: a coarser step is the
    safer side (honest results then repeat more often in the reference)."""
    figures = 10.0 ** (np.floor(np.log10(max(abs(level), 1e-9))) - 2)  # three significant
    return float(max(figures, 1.0 if code == COD else 0.01))


def _reported_step(values: np.ndarray, code: str) -> float:
    """The resolution honest lab results of ``values`` would have: the S values' own step
    (`_decimal_step`, at most a tenth of their median) or, when that is coarser, the step the
    standard method reports to (`_lab_step`): a lab that reports 8.50 mg/L TN four times a day
    is read at 0.01 mg/L, not at the 0.5 of a typed 8.5 (0 when the values have no step)."""
    level = float(np.median(np.abs(values)))
    step = _decimal_step(values, 0.1 * level)
    return min(step, _lab_step(code, level)) if step > 0 else step


def _analyser_step(measured: np.ndarray) -> float:
    """The step the channel's analyser reports to: the coarsest of `_STEPS` that all its valid
    readings are multiples of, at most a tenth of their median (0 when it has none)."""
    x = np.unique(measured[~np.isnan(measured)])
    if len(x) == 0:
        return 0.0
    return _decimal_step(x, 0.1 * float(np.median(np.abs(x))))


def _roundness(values: np.ndarray, code: str, resolution: float) -> tuple[float, float, float, int]:
    """(p, coarse, fine, k): the chance that ``k`` honest results (the typed ``values``' runs
    of equal values), each reported to step ``fine`` (the coarser of the lab method's step,
    `_lab_step`, and the analyser's own ``resolution``: the S values may be either), are all
    multiples of the coarser step ``coarse`` they share (`_decimal_step`, at most a tenth of
    their median): ``(fine / coarse) ** k`` (a result's last digits fall evenly), times the
    number of steps of the ladder between the two (the step was read off the values). 1 when
    they are no rounder than ``fine``."""
    level = float(np.median(np.abs(values)))
    coarse = _decimal_step(values, 0.1 * level)
    fine = max(_lab_step(code, level), resolution)
    k = 1 + int(np.count_nonzero(values[1:] != values[:-1]))
    if coarse <= fine * (1 + 1e-9):
        return 1.0, coarse, fine, k
    steps = _STEPS
    ladder = int(np.count_nonzero((steps > fine * (1 + 1e-9)) & (steps <= coarse * (1 + 1e-9))))
    return min(1.0, ladder * (fine / coarse) ** k), coarse, fine, k


def _day_holds(typed: np.ndarray, v: np.ndarray, lab_hours: int) -> tuple[int, int]:
    """The median span in hours (first to last hour) of one typed value held over consecutive
    typed hours of a stretch (``typed`` its hours with an S value, ``v`` their values), when it
    reaches four lab intervals (HJ 356's four results a day: the values were entered once a
    day or less), and how many spans that long the stretch holds; ``(0, 0)`` otherwise (one
    long hold among values changing on the analyser's cycle is its stored readings)."""
    pos = np.flatnonzero(typed)
    sv = v[pos]
    cut = np.flatnonzero(np.r_[True, sv[1:] != sv[:-1]])
    spans = pos[np.r_[cut[1:] - 1, len(pos) - 1]] - pos[cut] + 1
    if np.median(spans) < 4 * lab_hours:  # most values change within a day: not typed daily
        return 0, 0
    long = spans[spans >= 4 * lab_hours]
    return int(np.median(spans)), len(long)


def _held_share(measured: np.ndarray, width: int) -> float:
    """The share of the channel's ``width``-hour windows (at least half valid) whose valid
    measurements are all one value: the analyser itself holding a reading that long."""
    r = _relative_ranges(measured, width)
    r = r[~np.isnan(r)]
    return float(np.mean(r <= 0)) if len(r) else 1.0


def _hold_hours(values: np.ndarray) -> int:
    """How many hours one typed value lasts: the median length of runs of equal consecutive
    values (1 to 24)."""
    change = np.flatnonzero(np.r_[True, values[1:] != values[:-1], True])
    return int(min(24, max(1, round(float(np.median(np.diff(change)))))))


def _sampled_ranges(x: np.ndarray, width: int, hold: int) -> np.ndarray:
    """`_relative_ranges` of ``x`` read every ``hold`` hours (every phase), over windows of
    ``width`` hours: the range a lab reading every ``hold`` hours would show."""
    return _sampled(x, width, hold, _relative_ranges)


def _sampled_counts(x: np.ndarray, width: int, hold: int) -> np.ndarray:
    """How many valid readings each window of `_sampled_ranges` (same order) holds."""
    return _sampled(x, width, hold, _valid_counts)


def _sampled(
    x: np.ndarray, width: int, hold: int, per_window: Callable[[np.ndarray, int], np.ndarray]
) -> np.ndarray:
    """``per_window`` of ``x`` read every ``hold`` hours, phase after phase, over windows of
    ``width`` hours (``ceil(width / hold)`` readings, at least one); of ``x`` itself when
    ``hold`` is one hour or less."""
    if hold <= 1:
        return per_window(x, width)
    n = max(1, -(-width // hold))
    return np.concatenate([per_window(x[phase::hold], n) for phase in range(hold)])


def _valid_counts(x: np.ndarray, width: int) -> np.ndarray:
    """How many of every window of ``width`` consecutive elements of ``x`` are not NaN, one per
    window start (none when ``x`` is shorter than a window)."""
    ok = np.r_[0, np.cumsum(~np.isnan(x))]
    return ok[width:] - ok[:-width] if len(ok) > width else np.zeros(0, dtype=np.int64)


def _as_many(ranges: np.ndarray, counts: np.ndarray, need: int, min_windows: int) -> np.ndarray:
    """Which of the valid ``ranges`` are of windows holding at least ``need`` results
    (``counts``), or, when fewer than ``min_windows`` do, at least as many as the
    ``min_windows`` fullest hold: a window with fewer results agrees more easily (the windows
    overlapping the S stretch itself, whose hours are no measurements, above all), so the
    reference is as full as the stretch where the channel allows, and on the safe side where
    it does not."""
    ok = ~np.isnan(ranges)
    full = np.sort(counts[ok])
    if len(full) >= min_windows:
        need = min(need, int(full[-min_windows]))
    return ok & (counts >= need)


def _results_needed(typed: np.ndarray, width: int, hold: int) -> int:
    """How many results a reference window must hold to be compared with the S stretch whose
    hours with a value are ``typed``: as many as the stretch's least covered ``width``-hour
    window holds read every ``hold`` hours (fewer results agree more easily, so a reference
    window with fewer of them is no null for the stretch's)."""
    count = np.convolve(typed.astype(np.int64), np.ones(width, dtype=np.int64), "valid")
    return int(-(-int(count.min()) // hold)) if len(count) else 0
