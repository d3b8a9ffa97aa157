"""Flow that contradicts the analysers: measured while nothing flows, or frozen while it flows."""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
from scipy.special import bdtr, bdtrc

from detectors.base import Detector, register, units_per_year
from detectors.checks._common import (
    MIN_SEEN_RUNS,
    covered,
    grid_channel,
    grid_cycle_hours,
    grid_flow,
    grid_held_runs,
    seen_share,
    stretches,
    tail_survival,
)
from detectors.finding import Finding
from detectors.frame import LOCAL_OFFSET_HOURS, OutletData, flag_is
from detectors.series import YEAR_HOURS, HeldRuns
from detectors.spec import CONCENTRATIONS, FLOW

#: How many of a channel's own holds (made alone) must reach a duration for their share to
#: stand against the fitted tail (`_joint_chance`, `_common.seen_share`): a falsifying outlet's
#: one or two frozen channels must not vouch for its joint freeze.
MIN_SEEN_HOLDS = MIN_SEEN_RUNS

#: Hours of a week, and of an hour (ns): a stop's local hour of the week (`_scheduled`).
WEEK_HOURS = 168
_HOUR_NS = 3_600_000_000_000

#: The lunar new year's day (正月初一, local date) of each year: public astronomical dates (the
#: Chinese calendar, GB/T 33661-2017; Purple Mountain Observatory). The State Council's holiday
#: notices (国务院办公厅关于部分节假日安排的通知) set the Spring Festival holiday around it:
#: 2024-02-10..17, 2025-01-28..02-04, 2026-02-15..23, each holding 初一 to 初七 (`_festive`).
#: A year not listed gets no festival excuse: extend the table before 2031.
LUNAR_NEW_YEAR = (
    "2018-02-16",
    "2019-02-05",
    "2020-01-25",
    "2021-02-12",
    "2022-02-01",
    "2023-01-22",
    "2024-02-10",
    "2025-01-29",
    "2026-02-17",
    "2027-02-06",
    "2028-01-26",
    "2029-02-13",
    "2030-02-03",
)
_LNY_DAYS = np.array(LUNAR_NEW_YEAR, dtype="datetime64[D]").astype("int64")  # local, since 1970
_NEVER = -(10**9)  # an earliest start no festival window reaches (hours)

#: Words of a registry's ``industry`` label (lower case, any part of it) that name a sewage
#: works (城镇污水处理厂, an industrial park's central works): it takes its catchment's
#: sewage through the Spring Festival, so a stop over the festival is no holiday there.
SEWAGE_WORKS = ("municipal", "sewage", "town", "park", "污水")


@register
class FlowMismatchDetector(Detector):
    """Flow that contradicts the analysers: a fake sample measured while nothing flows, or every
    analyser frozen while the outlet discharges.

    Rule 1: *stopped hours* have valid flow <= ``stopped_flow_share`` of the typical (median
    positive) flow, or flow flagged F. Within a maximal run of stopped hours, a concentration
    channel *keeps changing* when its consecutive N-flagged values change at least ``min_cycles``
    times (each change is one new analyser measurement); the run is a finding when any channel
    does and it lasts at least ``min_stopped_hours``. Hours of unknown flow (missing, or a
    fault flag) in stretches of at most ``join_missing_hours`` between two reporting stops do
    not end the stop (`_bridged`): an hour lost in transmission
    in the middle of a shutdown says nothing of the flow resuming. Before, such a stop was
    judged (and counted among the outlet's reporting stops) as two or more: on the honest
    generator's tuning seeds 5-14 (80 x 180 d) the 95 rule-1 integrity findings over its
    shutdowns were pieces of 58 shutdowns, split by missing hours (34 of the 37 splits 1-2 h).
    ``join_missing_hours`` was 3 h; it is 72 h (a day or two of readings lost in a shutdown): a
    piece before such a gap was judged without its end (no restart seen), a piece after it
    without its start, and each was one more episode of the same stop. Honest generator tuning
    seeds 5-24 (after the quiet-spell rule below): 103 -> 91 integrity findings on 64 -> 61
    outlets (gaps of 1-52 h; 3 merged stops end in a restart, validity; check seeds 25-44: 102
    -> 80 on 62 -> 55); labelled tuning seeds 1-50: 28 falsified stops the independent generator
    split by missing hours (gaps 4-72 h, 26 of 31 of 4-6 h) are one integrity finding each
    instead of 2-3, recall unchanged (independent 246/248, 246 as sign; simulator 161/161, none
    merged), no category changed. The cost: a falsifier's stop split by a gap no longer counts
    as two episodes of the detector (the scores' corroboration), which it never was.

    What rule 1 is for, and what its evidence can tell: a flow meter made to read zero while
    the plant discharges (or samples fed to the analysers while it is dry) leaves N-flagged
    values that change through a stop. Yet many honest plants stop routinely (SBR tanks
    between decants, idle nights of one- and two-shift plants, weekends) while the analysers
    go on reading the standing water of the sampling well or the tank, and their loggers flag
    it N; the values then behave as the running plant's do (the honest generator, and nothing
    in the data tells a tank's water from a discharge's). On the honest-only generator
    (`bench/honest_fleet.py`, honest seeds 5-14 x 80 outlets x 180 d) the bare rule made 11,346
    integrity findings on 96 of 800 outlets, nearly all such routine stops. So the rule judges
    a stop by the outlet's own stops:

    - *Routine reporting* (the outlet's other stops of ``min_stopped_hours`` or more with
      ``min_cycles`` changes number at least ``routine_stops_per_year`` (26, one a fortnight)
      pro rata of its hours of known flow): its analysers read through its stops as a habit.
      Null model (an honest outlet): its stops reported through recur as its other such stops
      do, ``n`` of them over its ``T`` hours of known flow, ``S(D)`` the share lasting ``D``
      hours or longer (`_routine_expected`: `tail_survival` with 24 or more, floored at the
      share of those reaching ``D`` where ``MIN_SEEN_RUNS`` do; the judged stop left out), so
      ``YEAR_HOURS n S(D) / T`` stops of ``D`` hours or longer a year. Above
      ``false_alarms_per_year`` the stop is one of its routine: not judged alone, but the
      routine's stops together make ONE outlet-level ``validity`` finding (medium; spanning
      them, with their count: readings taken with nothing flowing flagged as normal data,
      flag them or check the meter), never silence: stops that vouch for one another are not
      checked for honesty, and a meter zeroed 00-06 h on 14 or more nights of 180 days is a
      routine by count (reviewer O14; before this made no finding). At or below it
      the stop is longer than its routine (a Spring Festival or maintenance shutdown of an
      SBR plant), yet the analysers did through it what they do through every stop: that is a
      flagging matter (readings of standing water flagged valid), not evidence that the
      meter lied, so a ``validity`` finding (medium) asks the inspector to check the stop.
    - *No routine* (fewer such stops): the stop contradicts nothing the outlet does habitually
      and stays an ``integrity`` finding, a rule on facts with no null
      (``false_alarm_rate_per_year`` None). The data cannot tell a plant's rare shutdown of
      days through which its analysers read standing water flagged N (the honest generator's
      industrial plants over the Spring Festival or a line maintenance, stops shown as
      "flow 0 flagged N", p .35) from a meter made to read zero for days (the independent
      generator's falsified stops last 4-234 h, median 62 h, the honest ones 4-621 h, median
      67 h; concentrations in both keep the running level and half its spread): those stay
      findings for the inspector to check against the plant's stop records, but for those
      over the Spring Festival (the last excuse below).
    - *A restart* (no routine): the flow of the ``restart_hours`` (3) hours after the stop
      all running and the highest of them at or below ``restart_share`` (1 %) of the outlet's
      own running hours (`_resumed`): the plant came back slowly, as one starting up does
      (its tank refills, production resumes), so the stop was real and the values read
      through it are standing water flagged valid: a ``validity`` finding (medium). Null
      (the stop falsified): a meter made to read zero while the plant discharged comes back
      reading the discharge, below its own 1 % with chance at most 1 %. Honest generator
      tuning seeds 5-24 (80 x 180 d): 49 of the 201 rule-1 integrity findings (46 of them
      over logged shutdowns) became validity, 101 -> 73 outlets with an integrity finding;
      labelled falsified stops of tuning seeds 1-50: none came back so low (0 of 121
      independent, 0 of 104 simulator with 3 running hours after; 4 and 1 under 5 %).
    - *A slower restart with fresh water after it* (no routine): the flow of the
      ``restart_hours`` after the stop at or below ``ramp_share`` (10 %) of the outlet's own
      running hours (`_resumed`, as above) AND the concentrations stepping across the stop's
      end as the outlet's analysers seldom do while it runs (`_fresh`: per channel the change
      between the medians of its N values over the ``restart_hours`` hours up to the stop's
      end and the ``restart_hours`` after it, its share ``x_c`` of the same step taken at the
      outlet's running hours at least as large; ``n_c`` times the least ``x_c`` at or below
      ``fresh_chance`` (1 %)): a plant starting up sends its analysers fresh effluent in place
      of the standing water they read through the stop, a step its own running record shows
      rarely: ``validity`` (the restart message and evidence, with ``fresh_water_chance`` and
      ``ramp_share``). What the honest plants show: the honest generator's shutdowns end in
      slow ramps or a trickle (in the 13 stops it excuses, the three hours back at 5-49 % of
      typical flow) that the 1 % restart misses, and analysers that read standing water
      through the stop step back when the plant restarts. Null (the stop falsified): the
      meter comes back reading the discharge, at or below ``ramp_share`` of its running
      hours with chance at most 0.1, and the analysers, measuring the discharge before and
      after the stop's end alike, step there as at a running hour, as far with chance at
      most ``fresh_chance``: both, if the meter's return and the analysers are independent,
      at most 0.001 (the ``held_chance``). Neither alone is enough: on the labelled tuning
      seeds 1-50 (40 x 180 d, share 0.5) falsified stops with a step as rare (chance 0.01 or
      less: 2 independent, none simulator) came back at 26 % of running hours or more, and
      those coming back at 10 % or less (10 independent, 4 simulator) stepped with chance
      0.17 or more. Honest
      generator look seeds 5-24 (80 x 180 d): 98 -> 85 integrity findings on 65 -> 57
      outlet-seeds (13 to validity: 9 Spring Festival shutdowns of 355-621 h, 4 stops of
      95-112 h); check seeds 25-44: 93 -> 83 on 62 -> 56; labelled tuning seeds 1-50: every
      finding identical (independent 246/248 found, 246 as sign; simulator 161/161, 161), no
      finding on an honest outlet. To evade it a falsifier who zeroes the meter must also
      write the flow back up slowly (hiding more, free to him) AND make at least one analyser
      step across the stop's end further than its running record does in 1 % / ``n_c`` of
      hours: he must alter the concentration record, not only the meter's (values written
      during a stop carry no load, so a step written into the stop's last hours costs him
      nothing but the writing; the data cannot tell it from standing water, stated). One who
      writes the slow restart alone passes where his analysers happen to step that far: 2
      of the 240 labelled rule-1 integrity stops above (fresh chance 0.01 or less, both
      independent), as the bar allows. Mended after reviewer-T7f: each channel's share is
      also taken among the outlet's own running windows whose later hours flow no higher than
      the hours after the stop (where it has 10 of them: a plant that idles each weekend steps
      there every week, and a meter zeroed through a working week and let read again as the
      plant idled had 10 of 40 such weeks excused; 3 after), and as a rank p-value (1 + as
      large) / (1 + judged), never 0 (a 10-day record of four noise channels excused 4.3 %
      of written restarts, not 1 %). Left: a stop ending at the plant's steepest daily
      change passes about 3 % of the time, not 1 % (running windows are not matched by hour
      of day).
    - *Its own schedule* (no routine of stops reported through, but the outlet stops at least
      ``routine_stops_per_year`` times pro rata, reported through or not, e.g. with the
      analyser holding): a stop as long as its other stops make usual (`_routine_expected`
      over all its stops, more than ``false_alarms_per_year``) that also starts at an hour of
      the week where its other stops start (`_scheduled`: a random hour of the week as
      popular within ``schedule_hours`` (2) with chance at most ``schedule_share`` (5 %)) is
      one of the plant's scheduled stops (weekly idle days) read through: ``validity``.
      Length alone was not enough: on the labelled independent tuning seeds 1-50 it moved 7
      falsified stops of 29-103 h to validity (5 at outlets stopping 48 h every weekend);
      with the week's hour none. Honest generator tuning seeds 5-24: 13 more findings to
      validity (weekly Sunday stops; 156 -> 143 on 73 outlets); check seeds 25-34: 61 -> 54.
    - *Analysers holding through it* (no routine, neither usual nor a restart): every channel
      with N values in the stop changed there far less often than it does while the outlet
      runs (`_held`: ``P(X <= changes)``, ``X ~ Binomial(N hours of the stop, the channel's
      own changes per N-flagged running hour)``, the largest over the channels at or below
      ``held_chance`` (0.1 %)). The analysers mostly held through a real stop, a blip now and
      then (a sample of standing water), flagged valid: ``validity``. Null (the stop
      falsified): analysers measuring the discharge change as often as they do while it runs
      (labelled falsified stops of tuning seeds 1-50: at 94 % of their running rate or more,
      the chance 0.44 or more). Honest generator tuning seeds 5-24 (80 x 180 d): 8 findings
      on 2 outlets to validity (analysers changing at 4-34 % of their running rate, chance
      3e-4 or less), 143 -> 135 integrity on 73 -> 72 outlets; check seeds 25-44: 126 -> 123
      on 70 -> 69. Labelled tuning seeds 1-50 (40 x 180 d, share 0.5): every finding
      unchanged (independent 246/248, 246 as sign; simulator 161/161, 161 as sign). A meter
      cut partway through an hour does not matter to it (reviewer-T's fm_grid probe: none).
      The chance is the largest over pieces of the stop of ``held_piece_hours`` (24) hours
      with an N value each (`_held`), not over the whole stop: with bridging a real
      shutdown's held days outweighed a day zeroed while the plant discharged before it
      (reviewer-T2's fm_bridge, F4: 24 h measured then 60 h held, 2e-9, validity; it did at
      0 h of gap too). Honest generator look seeds 5-24: 98 -> 98; check seeds 25-44: 92 ->
      93 (a 315 h stop whose analysers changed at 85-90 % of their running rate, 6e-4 as a
      whole, 0.93 by the day); labelled tuning seeds 1-50 unchanged. Pieces cut by the clock
      (24 h, the last merged into the one before when under 12 h) cost 1 and 3 (a piece of
      9-16 h after a gap or at the end, a blip a day frequent in it). The pieces are cut from
      the stop's start and again from its end (the larger chance of the two cuts): cut from
      the start alone the leftover read hours joined the last piece, so a day zeroed after a
      real held shutdown passed where the same day before it did not (reviewer-T5's fm_tail,
      F-1: hourly analysers, 70 h held then 24 h measured, 1.65e-6, validity; now integrity
      as at the head). Every finding of the tuning seeds unchanged, held chances included:
      honest generator look seeds 5-24 98, check seeds 25-44 93; labelled 1-50 independent
      246/248 (246 as sign), simulator 161/161 (161).
    - *One of its own quiet spells* (none of the above): the outlet's *quiet* hours are those
      stopped or idling (valid flow at or below ``idle_share`` (20 %) of its typical flow). A
      stop every hour of which is an hour of the week where the outlet is quiet in
      ``quiet_weeks`` (half) or more of its other weeks, ``MIN_SEEN_RUNS`` (3) or more of them
      known there (`_quiet`: the least over the stop's hours; the hours of its other stops
      reported through are not quiet ones; a weekend idler, a batch plant stopping at the
      same hours every day), whose analysers changed no more often than they do
      over the outlet's other quiet hours, is one of its quiet spells read through: a
      ``validity`` finding (medium). Null (an honest outlet): at its quiet hours each channel
      makes a new N value with the chance per hour ``r`` it does over its other quiet hours
      (whatever their flags: an analyser flagged F or holding there counts as not changing), so
      a stop of ``h`` hours with ``k`` changes is as many at most ``n_c P(X >= k)``, ``X ~
      Binomial(h, r)``, the least over its ``n_c`` channels, times its stops a year:
      ``expected_honest_runs``; at or below ``false_alarms_per_year`` it stays integrity. The
      outlet's other stops reported through are left out of ``r`` (they must not vouch for one
      another). What it separates: an honest batch plant or weekend idler whose analysers read
      through its quiet hours, or blip now and then through its stops, from values that change
      through a stop as they do while the plant runs where the outlet's analysers otherwise hold
      or are flagged through its stops (the independent generator's copied_data outlets stopping
      nightly: values pasted from a running outlet into a stop; a quiet-hours schedule alone, or
      a daily one, would excuse them). Honest generator tuning seeds 5-24 (80 x 180 d): 135 ->
      103 integrity findings, 72 -> 64 outlets (32 to validity: 14 at 3 outlets idling at
      weekends or nights, 18 at 7 plants stopping 3-4 times a day); check seeds 25-44: 123 ->
      102 on 69 -> 62 outlets. A stop merely as long as the outlet's own (the schedule above
      without its hour) was not enough: it excused one more finding on each seed set (a stop at
      the series' start), and a falsified stop of usual length at a running hour would pass.
      Labelled tuning seeds 1-50 (40 x 180 d, share 0.5): every finding unchanged, outlet, start
      and category (independent 246/248 found, 246 as sign; simulator 161/161, 161; the 41
      integrity findings over copied_data labels stay, their channels' quiet rate at most 0.034
      per hour, median 0; flow_mismatch labels lie at hours quiet in at most 8 % of other
      weeks).
      Mended after reviewer-T2 (helper-F4): (a) the share was the MEAN over the stop's hours,
      so a stop half over running hours passed (fm_mean_share: the meter zeroed 24 running
      hours before a weekend idle and through it, 13,200 m3 hidden, share 0.67): now every
      hour must be quiet in half the other weeks; (b) the other stops reported through were
      left out of ``r`` but still made their hours quiet, so falsified stops at one hour of
      the week vouched for each other (fm_vouch: the meter zeroed 10-16 h on one weekday in 7
      of 13 weeks, all 7 validity): their hours are not quiet now; (c) one other week idling
      at an hour made it quiet in "half the other weeks": 3 or more known are asked. Honest
      generator look seeds 5-24: 91 -> 98 integrity findings on 61 -> 65 outlets, all from
      (a) ((c) alone: 91, (b) on top: 98): 7 stops running past the outlet's quiet hours at
      an edge, 5 by one hour, 2 by five; check seeds 25-44: 80 -> 92 on 55 -> 61 (12 from
      (a): stops of 4 h to 10 days over running hours, 3 at the series' start). Excusing one
      hour at each edge would have given back 5 on
      the look seeds and 1 on the check seeds, for 2 running hours hidden per stop: not
      taken, so that what a quiet spell hides is at most the idle flow. Labelled tuning seeds
      1-50: every finding unchanged (independent 246/248, 246 as sign; simulator 161/161,
      161; none on honest outlets).
      The excuse can be bought by writing low flow (reviewer-T2's fm_idle_written, F3): flow
      written at 12 % of typical at the same weekday hours in 6 of 13 weeks while the plant
      discharges makes those hours quiet, and a zeroed stop there a quiet spell. Written
      idling and real idling are the same numbers; the data cannot close it. What such a
      falsifier hides is the written weeks' flow above the written value as well, which no
      rule here sees (a low-flow lead for dilution or an inspection of the meter would).
    - *The Spring Festival* (none of the above): a stop covering whole the first
      ``festival_days`` (7) local days of the lunar new year (正月初一 to 初七, days every
      State Council holiday notice of 2024-2026 gives: `LUNAR_NEW_YEAR`, one named table of
      public dates) and lying within ``festival_before_days`` (14) before its first day and
      ``festival_after_days`` (28) after it (`_festive`) is the plant's holiday shutdown read
      through: ``validity`` (medium; the message asks for the stop against the plant's stop
      record, which a bureau expects filed for a holiday shutdown). Null (an honest outlet):
      Chinese industry shuts for the festival, from a week or two before the new year's day
      to the weeks after the Lantern Festival, and a plant whose analysers read standing
      water through a stop does so through that one (the honest generator's industrial
      plants, "flow 0 flagged N"). A rule on the calendar, not the data, because the data do
      not separate: through the honest generator's long stops (look seeds 5-24, 57 rule-1
      integrity stops of 24 h or more) the concentrations sat -0.29 running IQRs from the
      running median (median over stops), spread 0.62 of the running IQR, drifted 0.97 IQR
      (largest channel) and kept the running daily cycle at a correlation of 0.05; through
      the labelled falsified ones (independent, 134 of 24 h or more) +0.03, 0.74, 1.00 and
      0.56. No threshold on these, or on the flow before or after, keeps every labelled stop
      integrity and moves most honest ones (a daily-cycle correlation under 0.5 would keep 6
      of the 26 honest festival shutdowns and excuse a labelled stop over the new year's day
      at 0.34). Nor does length alone: the honest festival shutdowns last 265-657 h, the
      independent generator's falsified stops of seeds 1-50 up to 239 h, and 3 of those (108-199 h;
      simulator one, 40 h) cover the new year's day itself, none its first week whole.
      Honest generator look seeds 5-24 (80 x 180 d): 85 -> 59 integrity findings on 57 -> 44
      outlet-seeds (26 shutdowns of 265-657 h, 7-15 February to 25 February-13 March 2026:
      the data's one festival, 17 February); check seeds 25-44: 83 -> 59 on 56 -> 38.
      Labelled tuning seeds 1-50 (40 x 180 d, share 0.5): every finding identical
      (independent 246/248 found, 246 as sign; simulator 161/161, 161), no finding on an
      honest outlet. Left integrity then: festival shutdowns ending before 初七 ends (7 on
      the look seeds, 140-389 h, some ending on the new year's eve) and stops right after one.
      *The run-up* (helper-F9): a stop begun ``festival_days`` (7) days or more before 初一
      (00:00 local) that lasts into the local day before it (除夕, the eve), within the same
      14 days before and 28 after, is the holiday shutdown too (`_festive`,
      ``evidence.festival_form`` "run_up"; the first-week form "first_week"). Null (an honest
      outlet): a plant shuts when its workers leave, a week or two before the festival (its
      travel season opens 15 days before 初一), and may be back before 初七 ends, even on the
      eve; what it needs is a week shut before the festival and the festival reached.
      Classed on tuning and spent seeds (80 x 180 d; look 5-24 / spent 1001-1010 / spent
      1101-1110, rule-1 and rule-2 integrity findings 59 / 26 / 25): festival shutdowns begun
      8-10 days before 初一 and ending between the eve and 初六 6 / 1 / 3 (171-389 h), festival
      stops begun 3-5 days before it or after it 1 / 2 / 3 (left: the labelled falsified stops
      touching the festival begin there, 1-4 days before 初一: independent generator seeds
      8, 15, 32 (108-199 h), simulator seeds 20 and 35 (16-40 h)), the record's first night
      10 / 3 / 1, mid-record stops of 1-5 days back as a ramp or part-load without a rare step
      21 / 12 / 7, stops entered from the outlet's own idling 8 / 5 / 9, shorter stops 6 / 0 /
      1, the record's end 3 / 1 / 1, rule 2 4 / 2 / 0 (each of the others a rule already
      tried and stated above or below). Honest generator look seeds 5-24: 59 -> 53 integrity
      findings on 44 -> 41 outlet-seeds (6 shutdowns of 171-389 h begun 7-9 February local,
      back 16-23 February); check seeds 25-44: 59 -> 55 on 38 -> 35 (4, 171-336 h); spent
      seeds 1001-1010 26 -> 25, 1101-1110 25 -> 22. Labelled tuning seeds 1-50 (40 x 180 d,
      share 0.5): every finding identical (independent 407, simulator 161; flow_mismatch
      246/248 and 161/161 found, all as sign). Stated cost: a falsifier at an industrial plant
      discharging through the run-up who zeroes the meter from a week or more before 初一 (up
      to 14 days) into the eve or beyond gets validity, not integrity; probed on honest seeds
      5-6 (the industrial outlets flowing through each window, the meter zeroed and the
      analysers left measuring): 7-16 February local, 6 of 6 integrity -> validity (4.7-6.2 %
      of 180 days' flow hidden); 3-16 February, 5 of 5 (6.7-8.9 %); 10-19 February (over
      初一-初三), 6 of 6 (5.4-6.5 %). The window is the one already stated (42 days at most,
      once a year, not silent: the finding names the festival and asks for the stop record).
      Reviewer-T9f on look seeds 5-24 (the 63 outlet-seeds, no sewage works, flowing in 90 %
      of days -14 to -1, the meter zeroed there and the analysers left measuring): -14 to -1,
      61 of 63 validity (6.4-9.5 % of 180 days' flow; 0c5e20e 62 of 63 integrity); -7 to -1,
      61 of 63 (2.9-4.7 %); from day -7's first hour to the eve's, the shortest that
      qualifies (six days and an hour), 59 of 63 (2.5-4.0 %). What is new is the shorter
      zeroing that ends before the festival; a longer one stretched over the first week was
      validity before (-14 to +6: 58 of 63, 9.7-13.8 %). The window is asked of the stop's
      earliest possible start, the hour after the last running hour before it (reviewer-T9f:
      a record opening in a stop whose first hour of flow is lost opened it at hour 1 and
      bought the excuse; reviewer-T9m: so did a stop after days of missing flow, its meter at
      0 from day -28 written missing to day -10); a few hours missing before it change
      nothing.
      Not at a sewage works (`SEWAGE_WORKS`, read from the registry's ``industry`` label:
      it takes its catchment's sewage through the holiday; mended after reviewer-T8f, whose
      probe zeroed the meter over the festival at the honest generator's outlets flowing
      through it, seeds 5-6: 105 outlets, 97 of them sewage works, all excused before), nor
      for a stop the record opens in (it may have begun weeks before; T8f: a record opened
      10 February inside a 70-day stop was excused). Honest generator seeds 5-44: every
      finding the same with the mend (no honest festival shutdown is a sewage works'). What
      it still costs, stated: a falsifier at an industrial plant that discharges through the
      holiday who zeroes the meter over 初一-初七 whole (and up to 14 days before, 28 after:
      42 days at most) while his analysers go on measuring gets validity, not integrity;
      probed (T8f, seeds 5-6, the industrial outlets flowing through each window): the
      meter zeroed 16-24 February local (216 h), 7 validity and 1 no finding (3.2-6.0 % of
      180 days' flow hidden); zeroed 3 February-16 March (42 days), 6 validity and 3
      integrity (10-27 % of 180 days' flow). Once a year, and not silent: the finding names
      the festival and asks for the stop record, which such a plant cannot show. A stop the
      record ends in is judged on what is seen (a run in the festival's weeks: validity
      until a later run sees it last past the 28 days).
    - *Not an excuse, a lower severity: the outlet seen reading through* (helper-H10, after
      helper-H9's research branch s29-h9). A stop with no excuse of its own stays
      ``integrity`` (span, category and wording unchanged), but at severity ``medium``, never
      ``high``, where another of the outlet's stops at least as long is excused on its own
      above (its schedule, a restart, analysers held, a quiet spell or the Spring Festival:
      `_own_excuses`, the one place deciding each stop's excuse, the judging loop reads it):
      the outlet's analysers are shown reading through a real stop that long flagged valid,
      so another stop read through there is more likely the same flagging habit than a meter
      made to read zero. The lead still reaches an inspector; ``evidence.excused_stops``
      counts those stops and ``evidence.severity_rule`` says why (its own key: the ``rule``,
      part of the finding's fingerprint, stays the stop's, so a live run whose 90 days no
      longer hold the excused stop finds the same finding, at high, and raises it). About half the honest generator's integrity findings sit at such outlets, no
      labelled falsified stop does; what separates is the flow into the stop, which a
      falsifier can write (H9: making these validity gave cover, not taken). Honest
      generator (80 x 180 d) look seeds 5-24: 29 of the 53 integrity findings high ->
      medium (6 more at such outlets medium already); check seeds 25-44: 20 of 55 (counting
      any excused stop, not only those as long: 31 and 27). The excuses at those outlets
      (look / check, H10's first form): festival 21 / 13, restart 10 / 13, quiet spell 6 /
      7, schedule 2 / 1. Labelled tuning seeds 1-50 (40 x 180 d, share 0.5): every finding
      identical but 2 (independent seed 33's two 14 h stops over copied_data labels at an
      outlet with scheduled stops, high -> medium; seed 46's 384 h stop, longer than its
      outlet's excused ones, stays high; simulator none); flow_mismatch 246/248 and 161/161
      found, all as sign. Why medium, not low (H10
      built low, the lead took medium; scoring_defaults.toml: integrity low -5, medium -15,
      high -20; a sign of two days at 0.95 weighs 0.857, alone half): a lone such lead
      deducts -6.43, not -8.57 (the spent unseen honest seed 1222's E2220022, a 45 h stop
      read through a month after its festival shutdown, 88.72 yellow on -8.57, a validity
      lead's -1.71 and a month's completeness -1: green on -6.43); a falsifier's meter zeroed
      twice at such an outlet (a repeated pattern, corroborated) deducts -25.7, yellow (high
      -34.3, red; low would have left it green at 91.42), three times -38.6, red. Probe (H10;
      honest look seeds 5-24, the 78 outlet-seeds with a stop excused on its own, no routine,
      the meter zeroed 24/48/72 h at running hours from days 40/100/150, analysers left
      measuring, 578 cases, 0.1-3.1 % of 180 days' flow): integrity 578 -> 578, high 575 ->
      46 (the rest medium; counting any excused stop, 8: the zeroing itself took the other
      stop's excuse away at 3 outlets), a lone lead's points -8.57 -> -6.43 (median). The excuse
      compounds: one stop excused by its own rule makes every other stop there medium at
      most, so a falsifier who buys one excuse (a zeroing written back up over three hours
      below 1 % of running flow: a restart, stated above, already validity for that
      zeroing) gets every shorter zeroing at medium. Reviewer-T10h priced the first form,
      which counted any excused stop: a 6 h zeroing written back up slowly (a validity lead
      of -0.53) turned two abrupt 30 h zeroings from red (65.70) to yellow (73.75); only
      stops at least as long count now, so that purchase buys nothing (the test), and a
      falsifier must write a restart after a stop as long as the zeroings it covers. Also
      lowered with the severity: a confirmed lead's final points (integrity medium -30, not
      high -40) and its triage prior (halved), so it ranks later for inspection.
    - *Not an excuse: the record's edge* (helper-F8b). A stop from the record's first hour is
      left-censored: its start and whole length lie before the record. It is judged as any
      other, by what it holds and by its end (a restart), never by its start: rule 1 uses a
      stop's length only in the routine and usual-length nulls, which on the seen length (a
      lower bound) excuse more readily, not less, and only the schedule reads its start's hour
      (the record's, not the stop's: not popular). Honest generator look seeds 5-24 (80 x 180
      d): 10 of the 59 integrity findings are such stops (9 from 00:00 local 1 January, one
      from 01:00 after a lost first hour), 5-8 h at plants running through their other nights
      (those hours quiet in at most 12 % of other weeks), with 0-9 other stops reported
      through (no routine), analysers at their running rate (held chance 0.8-1), the flow
      back as a ramp at 3-68 % of the running hours; check seeds 25-44: 6 of 59 (6-8 h; the
      five of both at 10 % or less with no fresh step, 0.46-1). The same stop with its start
      seen is integrity too (the test). The ramp does not tell them apart: of the rule-1 integrity
      stops coming back under 30 % of running hours and rising for 4 h, 29 of 55 honest (look
      seeds), 15 of 176 and 12 of 104 labelled falsified (independent, simulator, 1-50).
      Not taken: a censored stop of a day or less as validity (look 59 -> 49, check 59 ->
      53; no flow_mismatch finding of either labelled generator starts in a record's first two
      hours, so none could test it) buys a falsifier the first night of whatever record an
      analyst pulls, and records start on calendar days: zeroing the first night of every
      month hides it in every record begun on one. Nor a New Year's Day (元旦) rule: the
      honest stops end at 04-08 h of 1 January, the plants back at their usual morning hour
      (no holiday taken), and the honest generator's one New Year is its first night, where
      the share of outlets stopped is as at other nights (seeds 5-9: 0.08-0.10 at its hours
      0-7, 0.07-0.09 at those of nights 2-31) but such one-off night stops (16 of the 118
      findings, look and check) about 70 times as frequent as in any other 8 hours: a New Year
      effect and a record-start effect cannot be told apart in it.

    The routine bar was chosen after looking at the labelled tuning seeds 1-50: falsifying
    outlets there have at most 6 stops reported through in 180 days (independent generator;
    the simulator's 1), 12 a year, which must not vouch for one another; of the honest
    generator's 96 outlets with such stops (honest seeds 5-14), 56 have 18 to 615 of them, 40
    have 1 to 11. Figures, honest seeds 5-14 (80 x 180 d): rule 1 integrity 11,346 findings on
    96 outlets -> 131 on 42 (89 of them 24 h or longer; outlets with 0 other reporting stops
    11, with 1-6 29, with 9-10 2) and 37 validity findings on 17 outlets. Labelled tuning seeds 1-50 (40 x 180 d, share 0.5):
    every rule-1 finding is on an outlet without routine, unchanged.

    Rule 2 (outlets with 2+ concentration channels): with ``c_k`` channel k's analyser cycle
    (`analyser_cycle_hours`: registry or learned), channel k is frozen where its valid value is
    held longer than ``frozen_cycles * c_k`` hours (a missed measurement holds a value for two
    cycles) and at least ``min_frozen_hours``. A *joint hold* is a run of at least
    ``min_frozen_hours`` hours where every channel that reports a valid value is frozen, two or
    more of them, and valid flow is above the stopped level, during which flow takes at least 3
    distinct values (a channel in fault, or not received, neither joins nor breaks it: a COD
    analyser flagged D through a 51 h freeze of NH3-N and TP had hidden it, independent
    generator seed 1).

    Null model of rule 2 (an honest outlet): its analysers hold values independently of one
    another, each as often and as long as its own history shows: its cycle, missed
    measurements, and a value repeated by chance when the channel is read coarsely beside its
    own changes (COD read to 1 mg/L near 7 mg/L repeats for 6 to 12 h). Channel k held one
    value through ``D_k`` of the joint hold's ``D`` hours; its other holds (those touching the
    joint hold are left out: it must not vouch for itself), ``n_k`` over ``T_k`` valid hours,
    with ``S_k(h)`` the share lasting ``h`` hours or longer (`tail_survival`: empirical, an
    exponential tail beyond its longest tenth), cover ``D_k`` hours from a given hour with
    chance ``p_k = n_k sum_{h >= D_k} S_k(h) / T_k``. At most ``YEAR_HOURS prod_k (D - D_k + 1)
    p_k`` hours a year start such a joint hold (each joint hold starts at one): a finding when
    that is at most ``false_alarms_per_year`` (``expected_honest_runs`` in the evidence). On
    tuning seeds 1-50 the joint holds of honest outlets expect 0.3 to 31 a year (independent
    generator; none on the simulator's), each labelled one found by rule 2 at most 1e-13
    (independent) and 2e-6 (simulator).

    Where a channel's own holds show a duration, the fitted tail must not say less (``S_k(h)``
    is the larger of `tail_survival` and the share of its holds lasting ``h`` or longer that it
    made alone, counted where at least ``MIN_SEEN_HOLDS`` (3) of them reach ``h``: none within
    a joint hold of the outlet, so that a falsifying outlet's freezes do not vouch for one
    another). The exponential fitted beyond a channel's longest tenth reads whole-hour holds
    tied at its threshold as holds that end there (reviewer-K's K3): the one finding of the
    independent honest-only fleets of tuning seeds 6-50 (80 x 180 d; seed 15, COD read to 1
    mg/L near 7 mg/L held 10 h beside a 2-hourly NH3-N's 10 h hold) had COD holding 10 h or
    longer 12 times in its 180 days (0.7 % of its holds) where the fit said 0.04 % (NH3-N's
    other holds reached 10 h twice, 0.1 % against the fit's 0.03 %: under ``MIN_SEEN_HOLDS``,
    so its fit stands); judged at 0.0006 a year, it is 0.015 a year now, no finding
    (independent 1 -> 0, simulator 0 -> 0; the change only raises the expected count, re-run
    on every outlet with a finding before). Labelled tuning seeds 1-50 (40 x 180 d, share
    0.5): recall 246 -> 246 of 248 (independent) and 161 -> 161 of 161 (simulator); findings
    484 -> 483 (seed 3: 9 h of a zero_floor label, both channels at 0, no flow_mismatch label)
    and 161 -> 161; 40 and 5 rule-2 findings state a higher expected count (independent
    median 116 times, the highest now 0.0057 a year), the rest identical. Counting every
    hold's share (no minimum, joint holds included) lost 16 labels (falsifying outlets'
    other freezes vouched); without joint holds but no minimum, 1 label (seed 1: NH3-N frozen
    62 h and TP 104 h alone on the outlet of a 48 h joint freeze).

    Defaults: stopped below 2 % of typical flow (quiet at 20 %, in half the weeks), 3 changes, 3
    h, a routine of 26 stops reported through a year, gaps of up to 72 h between two stops
    reported through bridged; frozen 6 h and over 2 cycles; 0.01 joint holds (or stops longer
    than a routine's) a year by chance; a stop read through by analysers changing with chance
    0.1 % or less at their running rate in every day (24 read hours) of it is held; a stop
    whose flow comes back at or below 1 % of the running hours, or at or below 10 % with the
    concentrations stepping across its end with chance 1 % or less, ended in a restart; a stop
    over the Spring Festival's first 7 days whole, or begun 7 days or more before it and lasting
    into its eve, within 14 days before and 28 after, is the holiday shutdown.

    Honest traps it must not flag: shutdowns with zeros or values flagged F, or an analyser
    reporting one held value; analyser holds of 2-4 h (and series whose own cycle is longer) while
    flow varies; short flow dips; communication gaps (missing hours are neither stopped nor
    frozen); channels that hold by chance now and then (coarse resolution, missed measurements)
    doing so at the same hours (their own holds explain it).

    What it does not catch: a joint hold no rarer than the channels' own holds make it (a 10 h
    freeze of two 4-h analysers whose month holds two cycles now and then); every analyser
    frozen while the flow meter itself is in fault (flow not valid: nothing is known to flow);
    a meter zeroed at hours the outlet idles in most weeks while its analysers read as through
    its idling (a quiet spell, validity: what it hides is at most the idle flow, ``idle_share``
    of the typical, unless the idling itself was written: above); a meter zeroed while the
    plant discharged right before a real shutdown that ends in a slow restart, joined to it
    directly or across up to ``join_missing_hours`` of flow lost: the restart excuses the
    whole stop (reviewer-T2's fm_bridge, F4; with the two touching it did before bridging
    too: a restart is seen only at a stop's end, so the data cannot tell where the real
    stop began); and a few hours zeroed right before or right after a real shutdown whose
    analysers held, the same at either end (the held excuse is judged a day of read hours at
    a time, cut from both ends: reviewer-T5's fm_tail probes, 60 and 70 h held with a blip a
    day, analysers measuring at their running rate in the zeroed hours: hourly analysers'
    up to 13 h pass, 14-15 h some, 16 h or more none; 2-hourly ones' up to 6 h pass, 7-8 h
    some, 9 h or more none; 4-hourly ones', none from 2 h); a meter zeroed while the plant
    discharged, written back up over three hours within the lowest tenth of its running flow,
    with a concentration step written into the stop's last hours or its first hours back
    (the slower restart above: the data cannot tell written standing water from real); a meter
    zeroed over the Spring Festival's first week whole, or from a week or more before it into
    its eve, at a plant discharging through it (the festival excuse above: validity, up to 42
    days once a year).
    """

    name = "flow_mismatch"
    category = "integrity"
    rate_units = units_per_year(false_alarms_per_year="outlet")  # joint holds of an outlet a year
    judged_over_months = True

    def __init__(
        self,
        *,
        stopped_flow_share: float = 0.02,
        min_cycles: int = 3,
        min_stopped_hours: int = 3,
        min_frozen_hours: int = 6,
        frozen_cycles: float = 2.0,
        false_alarms_per_year: float = 0.01,
        routine_stops_per_year: float = 26.0,
        join_missing_hours: int = 72,
        restart_hours: int = 3,
        restart_share: float = 0.01,
        schedule_hours: int = 2,
        schedule_share: float = 0.05,
        held_chance: float = 0.001,
        idle_share: float = 0.2,
        quiet_weeks: float = 0.5,
        held_piece_hours: int = 24,
        ramp_share: float = 0.1,
        fresh_chance: float = 0.01,
        festival_days: int = 7,
        festival_before_days: int = 14,
        festival_after_days: int = 28,
    ) -> None:
        self.stopped_flow_share = stopped_flow_share
        self.min_cycles = min_cycles
        self.min_stopped_hours = min_stopped_hours
        self.min_frozen_hours = min_frozen_hours
        self.frozen_cycles = frozen_cycles
        self.false_alarms_per_year = false_alarms_per_year
        self.routine_stops_per_year = routine_stops_per_year
        self.join_missing_hours = join_missing_hours
        self.restart_hours = restart_hours
        self.restart_share = restart_share
        self.schedule_hours = schedule_hours
        self.schedule_share = schedule_share
        self.held_chance = held_chance
        self.idle_share = idle_share
        self.quiet_weeks = quiet_weeks
        self.held_piece_hours = held_piece_hours
        self.ramp_share = ramp_share
        self.fresh_chance = fresh_chance
        self.festival_days = festival_days
        self.festival_before_days = festival_before_days
        self.festival_after_days = festival_after_days

    def _detect(self, outlet: OutletData) -> Iterable[Finding]:
        q, q_ok, typical = grid_flow(outlet)
        if np.isnan(typical):
            return
        codes = [c for c in CONCENTRATIONS if c in outlet.pollutants]
        if not codes:
            return
        flow_flag = outlet.flag_column(FLOW)
        stop_level = self.stopped_flow_share * typical
        stopped = (q_ok & (q <= stop_level)) | flag_is(flow_flag, "F")
        running = q_ok & (q > stop_level)
        quiet = (q_ok & (q <= self.idle_share * typical)) | stopped
        yield from self._changing_while_stopped(
            outlet, codes, stopped, q_ok | stopped, q, running, quiet
        )
        if len(codes) >= 2:
            yield from self._frozen_while_flowing(outlet, codes, q, q_ok & (q > stop_level))

    # ------------------------------------------------------------ rule 1: changing while stopped

    def _changing_while_stopped(
        self,
        outlet: OutletData,
        codes: list[str],
        stopped: np.ndarray,
        known: np.ndarray,
        q: np.ndarray,
        running: np.ndarray,
        quiet: np.ndarray,
    ) -> Iterable[Finding]:
        starts, ends, counts = self._stops(outlet, codes, stopped)
        if len(starts) == 0:
            return
        reporting = counts.max(axis=1) >= self.min_cycles
        if np.count_nonzero(reporting) >= 2:
            # reporting stops split only by an hour or two of unknown flow are one stop
            bridged = _bridged(known, starts[reporting], ends[reporting], self.join_missing_hours)
            if bridged.any():
                starts, ends, counts = self._stops(outlet, codes, stopped | bridged)
        reporting = np.flatnonzero(counts.max(axis=1) >= self.min_cycles)
        if len(reporting) == 0:
            return
        hours = (ends - starts + 1)[reporting].astype("float64")
        known_hours = float(np.count_nonzero(known))
        routine = len(reporting) - 1 >= self.routine_stops_per_year * known_hours / YEAR_HOURS
        expected = _routine_expected(hours, known_hours) if routine else np.zeros(len(reporting))
        usual = reporting[expected > self.false_alarms_per_year]
        resumed, share = _resumed(q, running, ends[reporting], self.restart_hours)
        fresh = np.ones(len(reporting))
        slow = (share > self.restart_share) & (share <= self.ramp_share)
        if slow.any() and not routine:  # only a slow restart needs the concentrations' step
            tops = np.nanmax(resumed[slow], axis=1)
            fresh[slow] = _fresh(
                outlet, codes, q, running, ends[reporting][slow], tops, self.restart_hours
            )
        habit, when = np.zeros(len(reporting)), np.ones(len(reporting))
        local = int(outlet.grid.asi8[0] // _HOUR_NS) + LOCAL_OFFSET_HOURS  # the first hour's
        if (
            not routine
            and len(starts) - 1 >= self.routine_stops_per_year * known_hours / YEAR_HOURS
        ):
            # as long as the outlet's own stops make usual, and at the hour of the week they start
            habit = _routine_expected((ends - starts + 1).astype("float64"), known_hours)[reporting]
            when = _scheduled((local + starts) % WEEK_HOURS, reporting, self.schedule_hours)
            habit = np.where(when <= self.schedule_share, habit, 0.0)
        idle, rates = _held(
            outlet, codes, running, starts[reporting], ends[reporting], self.held_piece_hours
        )
        weeks, alike, quiet_rates = _quiet(
            outlet,
            codes,
            quiet,
            known,
            local,
            starts[reporting],
            ends[reporting],
            counts[reporting],
        )
        alike = alike * len(starts) * YEAR_HOURS / max(known_hours, 1.0)
        # a stop may have begun as early as the hour after the last running hour before it
        # (the flow missing between): a record opening in a stop, or a stop after days of
        # missing flow, may have begun weeks before its first stopped hour (reviewer-T9f's and
        # T9m's probes), so the festival's window asks that earliest start too
        ran = np.flatnonzero(running)
        last_ran = np.searchsorted(ran, starts[reporting]) - 1
        earliest = np.where(last_ran >= 0, ran[np.maximum(last_ran, 0)] + 1, _NEVER)
        feast, run_up = _festive(
            local,
            starts[reporting],
            ends[reporting],
            earliest,
            self.festival_days,
            self.festival_before_days,
            self.festival_after_days,
        )
        # not at a sewage works (they take the town's sewage through the holiday)
        if _sewage_works(outlet.spec.industry):
            feast[:] = -1
        if len(usual):
            # the routine itself: not silent (O14: falsified stops would vouch for one another)
            yield self._routine_finding(outlet, codes, starts[usual], ends[usual], counts[usual])
        # each stop's own excuse, decided here once for the loop and for the outlet's count of
        # stops excused as real (the one place deciding "excused")
        habitual_, restart_, held_, calm_, festive_ = _own_excuses(
            routine, habit, share, fresh, idle, weeks, alike, feast, self
        )
        own = habitual_ | restart_ | held_ | calm_ | festive_
        # the outlet's stops excused as real, each at least as long as a judged one: its
        # analysers shown reading through a real stop that long (reviewer-T10h: a 6 h stop
        # written back up slowly, bought for -0.53, lowered every longer zeroing's severity)
        lengths = ends[reporting] - starts[reporting]
        own_lengths = np.sort(lengths[own])
        for i, r in enumerate(reporting):
            if expected[i] > self.false_alarms_per_year:
                continue  # one of the routine's stops: in the routine finding, not one each
            s, e = int(starts[r]), int(ends[r])
            per = _by_channel(codes, counts[r])
            strong = max(per.values()) >= 2 * self.min_cycles
            evidence = {
                "rule": "flow stopped (<= stopped_flow_share * typical or F) while N values "
                "change, at an outlet that does not report through its stops as a routine "
                "(fewer than routine_stops_per_year other such stops)",
                "statistic": "valid value changes while stopped, per channel",
                "threshold": self.min_cycles,
                "window_hours": float(e - s + 1),
                "false_alarm_rate_per_year": None,  # no routine of its own to judge it by
                "hours": e - s + 1,
                "changes": max(per.values()),
                "changes_by_channel": per,
                "reporting_stops": len(reporting) - 1,
            }
            habitual, restart, held = bool(habitual_[i]), bool(restart_[i]), bool(held_[i])
            calm, festive = bool(calm_[i]), bool(festive_[i])
            excused = routine or bool(own[i])
            # the outlet's analysers shown reading through other, real stops as long (the note
            # in its own key: the rule, part of the finding's fingerprint, stays the stop's)
            seen_through = 0
            if not excused:
                seen_through = len(own_lengths) - int(np.searchsorted(own_lengths, e - s))
            if seen_through:
                evidence |= {
                    "severity_rule": "at most medium: the outlet's analysers read through "
                    "excused_stops other stops at least as long, excused as real stops on their "
                    "own (schedule, restart, held, quiet spell or festival), so this stop read "
                    "through is more likely the same flagging habit than a meter made to read "
                    "zero",
                    "excused_stops": seen_through,
                }
            if habitual:
                evidence |= {
                    "rule": "flow stopped while N values change, as long as the outlet's own "
                    "stops (reported through or not: at least routine_stops_per_year of them) "
                    "make usual: more often than false_alarms_per_year",
                    "statistic": "expected stops this long a year from the outlet's other stops",
                    "threshold": self.false_alarms_per_year,
                    "false_alarm_rate_per_year": self.false_alarms_per_year,
                    "expected_honest_runs": float(f"{habit[i]:.3g}"),
                    "stops": len(starts) - 1,
                    "schedule_chance": float(f"{when[i]:.3g}"),
                }
            if restart:
                evidence |= {
                    "rule": "flow stopped while N values change, and the flow came back from "
                    "below the outlet's own running range for restart_hours (a plant starting "
                    "up): the stop was real, readings of standing water flagged valid",
                    "statistic": "share of the outlet's running hours with flow at or below "
                    "the highest of the restart_hours after the stop",
                    "threshold": self.restart_share,
                    "resumed_flow": [float(f"{x:.4g}") for x in resumed[i]],
                    "resumed_flow_share": float(f"{share[i]:.3g}"),
                }
                if share[i] > self.restart_share:  # a slower restart, with fresh water after it
                    evidence |= {
                        "rule": "flow stopped while N values change; the flow came back from "
                        "the lowest ramp_share of the outlet's own running range for "
                        "restart_hours (a plant starting up) and the concentrations stepped "
                        "across the stop's end as the outlet's analysers seldom do while it "
                        "runs (fresh water reaching them): the stop was real, readings of "
                        "standing water flagged valid",
                        "statistic": "channels times the least over them of the share of the "
                        "outlet's running hours whose step between the medians of the "
                        "restart_hours before and after is as large as at the stop's end",
                        "threshold": self.fresh_chance,
                        "ramp_share": self.ramp_share,
                        "fresh_water_chance": float(f"{fresh[i]:.3g}"),
                    }
            if held:
                evidence |= {
                    "rule": "flow stopped while N values change, yet every channel changed "
                    "far less often than it does while the outlet runs: the analysers mostly "
                    "held (not a discharge measured), readings through a real stop flagged valid",
                    "statistic": "largest over the channels and the stop's pieces of "
                    "held_piece_hours read hours of the binomial chance of so few changes "
                    "there at the channel's own running rate",
                    "threshold": self.held_chance,
                    "held_chance": float(f"{idle[i]:.3g}"),
                    "running_changes_per_hour": rates,
                }
            if calm:
                evidence |= {
                    "rule": "flow stopped while N values change, every hour of it an hour the "
                    "outlet is quiet (stopped, or idling at or below idle_share of its typical "
                    "flow; not in its other stops reported through) in quiet_weeks or more of "
                    "its other weeks (3 or more known there), and every channel changed no "
                    "more often than it does over the "
                    "outlet's other quiet hours: one of its own quiet spells read through",
                    "statistic": "expected stops a year with changes as many as this one's, "
                    "for analysers changing as over the outlet's other quiet hours (binomial "
                    "upper tail, the least over the channels times their number)",
                    "threshold": self.false_alarms_per_year,
                    "false_alarm_rate_per_year": self.false_alarms_per_year,
                    "expected_honest_runs": float(f"{alike[i]:.3g}"),
                    "quiet_weeks_share": float(f"{weeks[i]:.3g}"),
                    "quiet_changes_per_hour": quiet_rates,
                }
            if festive:
                evidence |= {
                    "rule": "flow stopped while N values change, through the whole first "
                    "festival_days days of the Spring Festival (from the lunar new year's day, "
                    "local), or from festival_days days or more before that day into its eve "
                    "(run_up), and within festival_before_days before it and festival_after_days "
                    "after it: the plant's holiday shutdown read through, readings of standing "
                    "water flagged valid; check the stop against the plant's stop record",
                    "statistic": "the stop's first and last local day counted from the lunar "
                    "new year's day (day 0): it covers days 0 to festival_days - 1, or begins at or "
                    "before the first hour of day -festival_days and reaches day -1, and lies within "
                    "-festival_before_days to festival_after_days - 1",
                    "threshold": self.festival_days,
                    "stop_days_from_new_year": [
                        (local + h) // 24 - int(_LNY_DAYS[feast[i]]) for h in (s, e)
                    ],
                    "lunar_new_year": LUNAR_NEW_YEAR[int(feast[i])],
                    "festival_form": "run_up" if run_up[i] else "first_week",
                    "festival_before_days": self.festival_before_days,
                    "festival_after_days": self.festival_after_days,
                }
            if routine:
                evidence |= {
                    "rule": "flow stopped while N values change, longer than the outlet's "
                    "own routine stops reported through (its analysers read through its "
                    "stops): rarer than false_alarms_per_year for its other such stops",
                    "statistic": "expected stops this long a year from the outlet's other "
                    "reporting stops",
                    "threshold": self.false_alarms_per_year,
                    "false_alarm_rate_per_year": self.false_alarms_per_year,
                    "expected_honest_runs": float(f"{expected[i]:.3g}"),
                }
            yield self.finding(
                outlet,
                None,
                outlet.grid[s],
                outlet.grid[e],
                severity="high" if strong and not (excused or seen_through) else "medium",
                confidence=min(0.95, 0.5 + 0.05 * max(per.values())),
                message="flow_mismatch.changing_while_stopped_routine"
                if routine
                else "flow_mismatch.changing_while_stopped_usual"
                if habitual
                else "flow_mismatch.changing_while_stopped_restart"
                if restart
                else "flow_mismatch.changing_while_stopped_held"
                if held
                else "flow_mismatch.changing_while_stopped_quiet"
                if calm
                else "flow_mismatch.changing_while_stopped_festival"
                if festive
                else "flow_mismatch.changing_while_stopped",
                evidence=evidence,
                category="validity" if excused else None,
            )

    def _stops(
        self, outlet: OutletData, codes: list[str], stopped: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The runs of ``stopped`` hours of at least ``min_stopped_hours`` (first and last grid
        hour) and each channel's new N values within each (`_changes`)."""
        runs = stretches(stopped)
        keep = runs.last - runs.first + 1 >= self.min_stopped_hours
        starts, ends = runs.first[keep], runs.last[keep]
        counts = np.column_stack([_changes(outlet, c, starts, ends) for c in codes])
        return starts, ends, counts.reshape(len(starts), len(codes))

    def _routine_finding(
        self,
        outlet: OutletData,
        codes: list[str],
        starts: np.ndarray,
        ends: np.ndarray,
        counts: np.ndarray,
    ) -> Finding:
        """One validity finding for an outlet whose analysers report through its stops as a habit.

        Its routine stops are not judged one by one (honest generator: SBR tanks, idle nights;
        11,346 integrity findings on 96 of 800 outlets before c04b666), but they are not
        silent either: the stops that vouch for one another are not checked for honesty
        (reviewer O14: a meter zeroed 00-06 h on 14, 21 or 40 nights of 180 days made no
        finding at all). So the routine is one outlet-level matter to check: readings taken
        with nothing flowing flagged as normal data (flag them, or check the flow meter).
        """
        s, e = int(starts.min()), int(ends.max())
        hours = int(np.sum(ends - starts + 1))
        per = _by_channel(codes, counts.sum(axis=0))
        evidence = {
            "rule": "the outlet's analysers report N values through its stops as a routine "
            "(at least routine_stops_per_year such stops): its routine stops, each no longer "
            "than its others make usual, in one finding",
            "statistic": "stops reported through, as often as routine_stops_per_year or more",
            "threshold": self.routine_stops_per_year,
            "window_hours": float(e - s + 1),
            "false_alarm_rate_per_year": None,  # a habit of flagging, not a chance event
            "stops": len(starts),
            "hours": hours,
            "changes": max(per.values()),
            "changes_by_channel": per,
        }
        return self.finding(
            outlet,
            None,
            outlet.grid[s],
            outlet.grid[e],
            severity="medium",
            confidence=0.6,
            message="flow_mismatch.routine_stops_reported_through",
            evidence=evidence,
            category="validity",
        )

    # ------------------------------------------------------------ rule 2: frozen while flowing

    def _frozen_while_flowing(
        self, outlet: OutletData, codes: list[str], q: np.ndarray, flowing: np.ndarray
    ) -> Iterable[Finding]:
        cycles, frozen, held = self._frozen(outlet, codes)
        n_frozen = np.sum(frozen, axis=0)
        n_reporting = np.sum([grid_channel(outlet, c)[2] for c in codes], axis=0)
        runs = stretches((n_frozen >= 2) & (n_frozen == n_reporting) & flowing)
        bar = float(np.log10(self.false_alarms_per_year))
        # the joint holds of min_frozen_hours or more while flowing, whatever their flow values
        # (those of fewer than 3 flow values are not judged, yet still set apart): a channel's
        # holds within them are not its own (independent) behaviour (`_joint_chance`; the test
        # of four joint freezes: counted, each would vouch for the others)
        long = runs.last - runs.first + 1 >= self.min_frozen_hours
        joint = covered(runs.first[long], runs.last[long], len(outlet.grid))
        for s, e in zip(runs.first, runs.last, strict=True):
            hours_frozen = int(e - s + 1)
            sl = slice(s, e + 1)
            flow_values = np.unique(q[sl][flowing[sl]])
            if hours_frozen < self.min_frozen_hours or len(flow_values) < 3:
                continue
            expected, values = _joint_chance(held, int(s), int(e), len(outlet.grid), joint)
            if expected > bar:
                continue
            yield self.finding(
                outlet,
                None,
                outlet.grid[s],
                outlet.grid[e],
                severity="high" if hours_frozen >= 24 else "medium",
                confidence=min(0.95, 0.5 + 0.02 * hours_frozen),
                message="flow_mismatch.frozen_while_flowing",
                evidence={
                    "rule": "every reporting channel (2 or more) held > frozen_cycles * its "
                    "cycle and >= min_frozen_hours, together for min_frozen_hours, flow "
                    "varying, rarer than false_alarms_per_year for channels holding "
                    "independently as often and as long as each one's own holds",
                    "statistic": "log10 of the joint holds as long expected a year of an "
                    "honest outlet",
                    "threshold": round(bar, 3),
                    "window_hours": float(hours_frozen),
                    "false_alarm_rate_per_year": self.false_alarms_per_year,
                    "expected_honest_runs": float(f"{10.0**expected:.3g}"),
                    "hours": hours_frozen,
                    "frozen_cycles": self.frozen_cycles,
                    "cycles_hours": cycles,
                    "values": {c: v for c, v in zip(codes, values, strict=True) if v is not None},
                    "flow_min": float(flow_values.min()),
                    "flow_max": float(flow_values.max()),
                },
            )

    def _frozen(
        self, outlet: OutletData, codes: list[str]
    ) -> tuple[dict[str, float], list[np.ndarray], list[HeldRuns]]:
        """Each channel's analyser cycle (h), the grid hours where it holds a valid value
        longer than ``frozen_cycles`` cycles and at least ``min_frozen_hours``, and its held
        runs on the grid."""
        n = len(outlet.grid)
        cycles: dict[str, float] = {}
        frozen = []
        helds = []
        for code in codes:
            held = grid_held_runs(outlet, code)
            cycles[code] = grid_cycle_hours(outlet, code)
            long = (held.hours > self.frozen_cycles * cycles[code]) & (
                held.hours >= self.min_frozen_hours
            )
            frozen.append(covered(held.first[long], held.last[long], n))
            helds.append(held)
        return cycles, frozen, helds


def _joint_chance(
    held: list[HeldRuns], s: int, e: int, n: int, joint: np.ndarray | None = None
) -> tuple[float, list[float | None]]:
    """log10 of how many runs of the grid hours ``s..e`` an honest outlet's channels hold
    together a year, and each channel's held value there (None when it did not report).

    Channel k held one value through ``D_k`` of the run's ``D`` hours (its longest hold there;
    channels that did not report are left out). Its holds other than those touching ``s..e``
    (a run must not vouch for itself), ``n_k`` of them over ``T_k`` valid hours, cover a given
    ``D_k`` hours from a given hour with chance ``p_k = n_k sum_{h >= D_k} S_k(h) / T_k``
    (`tail_survival`: the share of its holds lasting ``h`` hours or longer, summed up to the
    series' ``n`` hours; at least the share of its holds made alone outside the joint holds
    ``joint`` that reach ``h``, where ``MIN_SEEN_HOLDS`` or more do), and somewhere in a
    D-hour window with chance at most ``(D - D_k + 1) p_k``. Channels holding independently, an honest outlet has at most ``YEAR_HOURS prod_k
    (D - D_k + 1) p_k`` such windows a year, at least as many as such runs."""
    d = e - s + 1
    total = float(np.log10(YEAR_HOURS))
    values: list[float | None] = []
    for runs in held:
        other = (runs.first > e) | (runs.last < s)
        inside = np.flatnonzero(~other)
        if len(inside) == 0:
            values.append(None)
            continue
        cover = np.minimum(runs.last[inside], e) - np.maximum(runs.first[inside], s) + 1
        longest = int(np.argmax(cover))
        d_k = int(cover[longest])
        values.append(float(runs.value[inside[longest]]))
        valid_hours = float(runs.count[other].sum())
        if len(inside) == len(runs) or valid_hours <= 0:
            continue  # no history of its own to judge it by: chance 1
        h = d_k + np.arange(max(n, 1), dtype="float64")
        # the share of its holds lasting h or longer that it made alone (none within a joint
        # hold ``joint``: falsified freezes of an outlet must not vouch for one another): the
        # tail fitted beyond its longest tenth must not say less than these show
        alone = other if joint is None else other & ~_touches(runs, joint)
        survival = np.maximum(
            tail_survival(runs.hours[other], h),
            seen_share(runs.hours[alone], h, int(other.sum()), MIN_SEEN_HOLDS),
        )
        p = (d - d_k + 1) * other.sum() * float(survival.sum())
        total += float(np.log10(min(max(p / valid_hours, 1e-300), 1.0)))
    return total, values


def _own_excuses(
    routine: bool,
    habit: np.ndarray,
    share: np.ndarray,
    fresh: np.ndarray,
    idle: np.ndarray,
    weeks: np.ndarray,
    alike: np.ndarray,
    feast: np.ndarray,
    det: FlowMismatchDetector,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per reporting stop, the excuse of its own that makes it validity, each tried only where
    the ones before it fail (the judging loop's order): its schedule (``habit``), a restart (the
    1 % return, or a slower one with fresh water after it), analysers held, one of the outlet's
    quiet spells, the Spring Festival (``feast`` the festival's index, -1 none). None at an
    outlet with a routine of stops reported through (the routine excuses them all). Adapted from
    helper-H9's research branch (s29-h9, 785f6f6)."""
    none = np.zeros(len(share), dtype=bool)
    if routine:
        return none, none, none, none, none
    habitual = habit > det.false_alarms_per_year
    ramp = (share <= det.ramp_share) & (fresh <= det.fresh_chance)
    restart = ~habitual & ((share <= det.restart_share) | ramp)
    held = ~(habitual | restart) & (idle <= det.held_chance)
    calm = ~(habitual | restart | held) & (weeks >= det.quiet_weeks)
    calm &= alike > det.false_alarms_per_year
    festive = ~(habitual | restart | held | calm) & (feast >= 0)
    return habitual, restart, held, calm, festive


def _routine_expected(hours: np.ndarray, known_hours: float) -> np.ndarray:
    """Per reporting stop (``hours`` long), how many stops as long an honest outlet whose
    analysers read through its stops makes a year, learned from its OTHER such stops (the judged
    one left out): ``YEAR_HOURS n S(D) / T``, ``n`` of them over its ``T`` hours of known flow,
    ``S(D)`` the share lasting ``D`` hours or longer (`tail_survival`: empirical, an exponential
    tail beyond the longest tenth, floored at the share of those reaching ``D`` where
    ``MIN_SEEN_RUNS`` do; with fewer than 24 others the floor alone: no tail is fitted)."""
    out = np.zeros(len(hours))
    d = np.sort(hours)
    for dur in np.unique(hours):
        others = np.delete(d, int(np.searchsorted(d, dur)))  # the judged stop left out
        if len(others) >= 24:
            share = float(tail_survival(others, dur, seen=others)[0])
        else:
            share = float(seen_share(others, dur, len(others))[0])
        out[hours == dur] = YEAR_HOURS * len(others) * share / max(known_hours, 1.0)
    return out


def _bridged(known: np.ndarray, firsts: np.ndarray, lasts: np.ndarray, hours: int) -> np.ndarray:
    """The grid hours of unknown flow (``known`` False: missing, or a fault flag) in stretches
    of at most ``hours`` between the end of one reporting stop and the start of another
    (``firsts``/``lasts``): an hour lost in transmission in the middle of a shutdown says
    nothing of the flow resuming, so the stop is one (honest generator seeds 5-14, 80 x 180
    d: 37 of its shutdowns' rule-1 findings were pieces of one shutdown split by missing
    hours, 34 of them by 1-2 h). Stops that do not report by themselves are not joined into
    one that does (an SBR's pauses, a few changes each: 2 outlets more found on seeds 15-24
    when they were)."""
    n = len(known)
    gaps = stretches(~known)
    ends = np.zeros(n, dtype=bool)
    ends[lasts] = True
    starts = np.zeros(n, dtype=bool)
    starts[firsts] = True
    before, after = gaps.first - 1, gaps.last + 1
    inside = (before >= 0) & (after < n)
    bounded = np.zeros(len(gaps), dtype=bool)
    bounded[inside] = ends[before[inside]] & starts[after[inside]]
    short = gaps.last - gaps.first + 1 <= hours
    return covered(gaps.first[short & bounded], gaps.last[short & bounded], n)


def _resumed(
    q: np.ndarray, running: np.ndarray, ends: np.ndarray, hours: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per stop ending at grid hour ``ends[k]``, the flow of the ``hours`` hours after it
    (NaN where not running: unknown, or stopped again) and the share of the outlet's running
    hours (``running``) whose flow is at or below the highest of them (1 where any of them is
    not running, or the series ends first: no restart seen).

    Null (the stop falsified: a meter made to read zero while the plant discharged): the meter
    comes back reading the discharge, so the highest of the hours after is at or below a share
    ``x`` of the outlet's running flow with chance at most ``x``. A plant starting up after a
    stop discharges little at first (its tank refills, production resumes): on the honest
    generator's tuning seeds 5-24 (80 x 180 d) the flow of the 3 h after 47 of 108 shutdowns
    with an integrity finding stayed under 1 % of their own running hours; of the labelled
    falsified stops of tuning seeds 1-50 none did (0 of 121 independent, 0 of 104 simulator;
    under 5 %: 4 and 1)."""
    n = len(q)
    after = ends[:, None] + 1 + np.arange(hours)[None, :]
    inside = after < n
    at = np.minimum(after, n - 1)
    ok = inside & running[at]
    flows = np.where(ok, q[at], np.nan)
    share = np.ones(len(ends))
    seen = ok.all(axis=1)
    if seen.any():
        own = np.sort(q[running])
        top = flows[seen].max(axis=1)
        share[seen] = np.searchsorted(own, top, side="right") / len(own)
    return flows, share


def _fresh(
    outlet: OutletData,
    codes: list[str],
    q: np.ndarray,
    running: np.ndarray,
    ends: np.ndarray,
    tops: np.ndarray,
    hours: int,
) -> np.ndarray:
    """Per stop ending at grid hour ``ends[k]``, the chance that analysers measuring one
    discharge throughout step across the stop's end as far as they did: each channel's step is
    the change between the medians of its N values over the ``hours`` hours up to the end and
    the ``hours`` after it; its share ``x_c`` of the same step taken at every hour of the
    outlet's running (``running`` through all ``2 hours`` hours) at least as large; the chance
    ``n_c`` times the least ``x_c`` over the ``n_c`` channels with a step (1 where none has, or
    the series ends first; a channel with fewer than 100 running steps to judge by is left out).
    ``x_c`` is a rank p-value, (1 + as large) / (1 + judged), and where the outlet has 10 or
    more running windows whose later ``hours`` flow (``q``, the grid's flow) no higher than the
    stop's first hours back (``tops[k]``), the larger of it and the share of those windows
    stepping as far (the plant's own change of regime as it idles).

    Null (the stop falsified: a meter made to read zero while the plant discharged): the
    analysers measured the discharge before and after its end alike, so the step there is one
    of their running steps, as large as a share ``x`` of them with chance ``x``. A plant that
    really stopped sends its analysers fresh water when it starts up: the standing water they
    read through the stop (settled, or drifting apart from the discharge) gives way to the
    running effluent, a step its analysers seldom make while it runs."""
    n = len(running)
    out = np.ones(len(ends))
    if n < 2 * hours + 1 or len(ends) == 0:
        return out
    flags = outlet.wide_flag_is("N")
    both = np.lib.stride_tricks.sliding_window_view(running, 2 * hours).all(axis=1)
    seen = (ends - hours + 1 >= 0) & (ends + hours <= n - 1)
    k = np.clip(ends - hours + 1, 0, len(both) - 1)  # the step's window: hours e-h+1 .. e+h
    # the outlet's own running windows whose later half flows no higher than the hours after
    # the stop did (its weekly idle, its night trough): where it has 10 of them, a step
    # ordinary among them is the plant's own change of regime, not fresh water; x_c is the
    # larger of the two shares (reviewer-T7f p4_weekly: a meter zeroed through a working week
    # and let read again as the plant idles, 10 of 40 validity -> 3)
    later = np.lib.stride_tricks.sliding_window_view(np.where(running, q, np.inf), hours)
    after_top = later[hours:].max(axis=1)  # window k: hours k+h .. k+2h-1
    alike = both[None, :] & (after_top[None, :] <= tops[:, None])  # (stops, windows)
    least = np.ones(len(ends))
    used = np.zeros(len(ends))
    for code in codes:
        v = np.where(flags[:, outlet.column(code)], outlet.wide_column(code), np.nan)
        win = np.lib.stride_tricks.sliding_window_view(v, hours)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(win, axis=1)  # med[t]: the median of hours t .. t+h-1
        step = np.abs(med[hours:] - med[: len(med) - hours])  # window k: hours k .. k+2h-1
        ok = both & ~np.isnan(step)
        ref = np.sort(step[ok])
        if len(ref) < 100:
            continue  # too few running steps to judge it by: it neither counts nor vouches
        jump = step[k]
        has = seen & ~np.isnan(jump)
        # the rank p-value (1 + as large) / (1 + judged): never 0 on a finite record
        x = (
            1.0 + len(ref) - np.searchsorted(ref, np.where(has, jump - 1e-9, np.inf), side="left")
        ) / (1.0 + len(ref))
        near = alike & ~np.isnan(step)[None, :]
        n_near = near.sum(axis=1)
        share = (near & (step[None, :] >= jump[:, None] - 1e-9)).sum(axis=1) / np.maximum(n_near, 1)
        x = np.where(n_near >= 10, np.maximum(x, share), x)
        least = np.where(has, np.minimum(least, x), least)
        used += has
    return np.where(used > 0, np.minimum(used * least, 1.0), 1.0)


def _held(
    outlet: OutletData,
    codes: list[str],
    running: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    piece_hours: int = 24,
) -> tuple[np.ndarray, dict[str, float]]:
    """Per stop ``starts[k]..ends[k]``, the largest over its pieces of about a day and over the
    channels (those with an N value in the piece) of the chance that a channel measuring at
    its own running rate changes as seldom as it did there: ``P(X <= changes)``, ``X ~
    Binomial(hours, r)``, ``hours`` its N-flagged hours in the piece and ``r`` its changes per
    N-flagged running hour (1 where no piece has a channel with an N hour). And each channel's
    ``r``. The pieces part the stop's hours ``s+1..e`` (the hour a stop starts is judged by
    none, as by `_changes`), each holding ``piece_hours`` hours with an N value of some channel,
    cut twice: from the start (the rest joining the last piece) and from the end (the rest
    joining the first), the largest over both cuts' pieces. Hours without an N value (a day of
    readings lost, bridged) judge nothing, a piece is never so short that a blip a day looks
    frequent in it, and a day at either end is judged without the held hours beside it (cut
    from the start alone, a day measured after a 70 h held shutdown shared its piece with 22
    held hours and passed, 1.65e-6: reviewer-T5's fm_tail, F-1).

    Null (the stop falsified: a meter made to read zero while the plant discharged): the
    analysers go on measuring the discharge, each channel changing as often as it does while
    the outlet runs (labelled falsified stops of tuning seeds 1-50: at 94 % of the running rate
    or more, the chance 0.44 or more). An analyser holding through a stop with a blip now and
    then (standing water, or no sample pumped) changes at a small share of it, every day of
    it. Judged over the whole stop, a real shutdown's held days outweighed a day zeroed while
    the plant discharged before it, joined to it directly or across a gap bridged
    (reviewer-T2's fm_bridge: 24 h measured at the running rate, then 60 h held: 2e-9)."""
    flags = outlet.wide_flag_is("N")
    values = np.column_stack([outlet.wide_column(c) for c in codes])
    read = np.cumsum((flags[:, [outlet.column(c) for c in codes]] & ~np.isnan(values)).any(axis=1))
    # pieces of piece_hours hours with an N value each, cut twice: from the stop's start (the
    # rest joins the last piece) and from its end (the rest joins the first), so neither end's
    # day is judged together with the held hours beside it
    pieces = np.maximum(1, (read[ends] - read[starts]) // piece_hours)
    stop = np.repeat(np.arange(len(starts)), pieces)
    j = np.arange(len(stop)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    first, last = j == 0, j == np.repeat(pieces - 1, pieces)
    head = read[starts[stop]] + piece_hours * j  # read hours before the piece, cut from the start
    tail = read[ends[stop]] - piece_hours * (np.repeat(pieces, pieces) - j)  # ... from the end
    lo = np.r_[
        np.where(first, starts[stop], np.searchsorted(read, head)),
        np.where(first, starts[stop], np.searchsorted(read, tail)),
    ]
    hi = np.r_[
        np.where(last, ends[stop], np.searchsorted(read, head + piece_hours)),  # the piece's last
        np.where(last, ends[stop], np.searchsorted(read, tail + piece_hours)),
    ]
    stop = np.r_[stop, stop]
    chance = np.full(len(stop), -1.0)
    rates: dict[str, float] = {}
    for code in codes:
        ok, new = _new_values(outlet, code)
        rate = min(np.count_nonzero(running[new]) / max(np.count_nonzero(running & ok), 1), 1.0)
        rates[code] = float(f"{rate:.3g}")
        c = np.r_[0, np.cumsum(ok)]
        hours = c[hi + 1] - c[lo + 1]
        k = np.searchsorted(new, hi, side="right") - np.searchsorted(new, lo, side="right")
        p = bdtr(k, np.maximum(hours, 1), rate)
        chance = np.where(hours > 0, np.maximum(chance, p), chance)
    out = np.full(len(starts), -1.0)
    np.maximum.at(out, stop, chance)
    return np.where(out < 0, 1.0, out), rates


def _sewage_works(industry: str | None) -> bool:
    """Whether a registry's ``industry`` label names a sewage works (`SEWAGE_WORKS`)."""
    label = (industry or "").lower()
    return any(word in label for word in SEWAGE_WORKS)


def _festive(
    first: int,
    starts: np.ndarray,
    ends: np.ndarray,
    earliest: np.ndarray,
    days: int,
    before: int,
    after: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per stop ``starts[k]..ends[k]`` (grid hours; ``first`` the grid's first hour as local
    hours since 1970-01-01; ``earliest[k]`` the earliest hour it may have begun, the flow
    missing before it), the index into `LUNAR_NEW_YEAR` of a festival whose holiday the
    stop covers while lying, from its earliest start, within ``before`` days before its
    first day (正月初一) and ``after`` days after it, -1 where none; and whether it is the
    run-up form. The holiday is
    covered by a stop holding the festival's first ``days`` local days whole (初一 to 初七),
    or (*run-up*) by one begun ``days`` days or more before 初一 (00:00 local) that lasts
    into the local day before it (除夕, the eve).

    Null (an honest outlet): Chinese industry shuts for the Spring Festival, from when its
    workers leave (the festival's travel season opens 15 days before 初一) to the weeks after
    the Lantern Festival, and a plant whose analysers read through its stops as at no other
    time of its record does so over the holiday; one that shut a week or more before the
    festival may be back before 初七 ends, even on the eve (the honest generator's tuning
    seeds 5-24: 6 shutdowns of 171-389 h begun 8-10 days before 初一 ending between the eve
    and 初六). A meter made to read zero while the plant discharges lies where its falsifier
    chooses (the labelled generators' falsified stops of tuning seeds 1-50: none covers the
    festival's first week, none begins a week before it; those touching the festival begin
    1-4 days before 初一 or after it).
    """
    lo = (first + starts)[:, None]
    hi = (first + ends)[:, None]
    day = 24 * _LNY_DAYS[None, :]
    within = ((first + earliest)[:, None] >= day - 24 * before) & (hi <= day + 24 * after - 1)
    week = within & (lo <= day) & (hi >= day + 24 * days - 1)
    run_up = within & (lo <= day - 24 * days) & (hi >= day - 24)
    ok = week | run_up
    index = np.where(ok.any(axis=1), ok.argmax(axis=1), -1)
    return index, (run_up & ~week).any(axis=1)


def _scheduled(week: np.ndarray, judged: np.ndarray, within: int) -> np.ndarray:
    """Per judged stop (an index into ``week``: every stop's local hour of the week at its
    start), the chance that a start at a random hour of the week has at least as many of the
    outlet's OTHER stops starting within ``within`` hours of it as the judged one has (1 where
    fewer than ``MIN_SEEN_RUNS`` do: no schedule seen). Null (the stop falsified at a time of
    the falsifier's choosing, the outlet's own stops fixed): its start falls at an hour as
    popular with the outlet's own stops with this chance."""
    hist = np.bincount(week, minlength=WEEK_HOURS).astype("float64")
    near = sum(np.roll(hist, k) for k in range(-within, within + 1))
    hours = np.arange(WEEK_HOURS)
    out = np.ones(len(judged))
    for i, j in enumerate(judged):  # the judged stops (fewer than a routine's), 168 hours each
        gap = np.abs(hours - week[j])
        others = near - (np.minimum(gap, WEEK_HOURS - gap) <= within)
        if others[week[j]] >= MIN_SEEN_RUNS:
            out[i] = float(np.mean(others >= others[week[j]]))
    return out


def _touches(runs: HeldRuns, hours: np.ndarray) -> np.ndarray:
    """Per held run, whether any of its grid hours is set in ``hours``."""
    c = np.r_[0, np.cumsum(hours)]
    return c[runs.last + 1] - c[runs.first] > 0


def _new_values(outlet: OutletData, code: str) -> tuple[np.ndarray, np.ndarray]:
    """Channel ``code``'s N-flagged hours (a mask over the grid) and the hours among them where
    its value changed from the N-flagged value before (each one new analyser measurement)."""
    v = outlet.wide_column(code)
    ok = outlet.wide_flag_is("N")[:, outlet.column(code)] & ~np.isnan(v)
    idx = np.flatnonzero(ok)
    return ok, idx[1:][v[idx[1:]] != v[idx[:-1]]]


def _changes(outlet: OutletData, code: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How often the N-flagged value of channel ``code`` changes at hours ``s+1..e`` of each
    run ``starts[k]..ends[k]`` (each change is one new analyser measurement)."""
    _, new = _new_values(outlet, code)  # a run counts the new values in s+1..e
    return np.searchsorted(new, ends, side="right") - np.searchsorted(new, starts, side="right")


def _by_channel(codes: list[str], changes: np.ndarray) -> dict[str, int]:
    """A stop's (or a routine's) new measurements by channel, the channels that made any."""
    return {c: int(n) for c, n in zip(codes, changes, strict=True) if n > 0}


def _quiet(
    outlet: OutletData,
    codes: list[str],
    quiet: np.ndarray,
    known: np.ndarray,
    local: int,
    starts: np.ndarray,
    ends: np.ndarray,
    counts: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """Per stop ``starts[k]..ends[k]`` (the stops reported through, ``counts`` their changes by
    channel): the least over its hours of the share of the outlet's other weeks (its known
    hours outside the stop at the same local hour of the week, 0 where fewer than
    ``MIN_SEEN_RUNS`` are) that are ``quiet`` there and in no stop reported through (reviewer-T2:
    the mean let a stop half over running hours pass, and falsified stops at one hour of the
    week made it quiet for one another); the chance
    that its channels changed as often as they did with analysers changing as over the
    outlet's other quiet hours (``n_c`` times the least over the channels of ``P(X >= k)``,
    ``X ~ Binomial(hours s+1..e, r)``, 1 where it made none); and each channel's ``r``: its
    new N values per quiet hour outside every stop reported through (whatever the channel's
    flag there: an analyser flagged F or holding counts as not changing; the stops reported
    through must not vouch for one another, nor a copy's pasted values for the next).

    Null (an honest outlet): at the hours it is quiet week after week its analysers read the
    standing or trickling water as they do through its other quiet hours. A meter made to
    read zero while the plant discharges sits at hours the outlet runs (quiet in few other
    weeks), or, at its quiet hours, leaves values changing as while it runs where its
    analysers otherwise hold."""
    n = len(quiet)
    how = (local + np.arange(n)) % WEEK_HOURS
    inside = covered(starts, ends, n)
    # the hours of the stops reported through are not quiet ones (as they are left out of r):
    # falsified stops at the same hours of the week must not vouch for one another
    num = np.bincount(how[known & quiet & ~inside], minlength=WEEK_HOURS).astype("float64")
    den = np.bincount(how[known], minlength=WEEK_HOURS).astype("float64")
    weeks = np.zeros(len(starts))
    for i, (s, e) in enumerate(zip(starts, ends, strict=True)):
        h = how[s : e + 1]
        seen = den - np.bincount(h[known[s : e + 1]], minlength=WEEK_HOURS)
        share = num / np.maximum(seen, 1.0)
        share[seen < MIN_SEEN_RUNS] = 0.0  # fewer other weeks known there: no habit seen
        weeks[i] = float(share[h].min())
    chance = np.ones(len(starts))
    rates: dict[str, float] = {}
    ref = quiet & ~inside
    hours = ends - starts
    for j, code in enumerate(codes):
        _, new = _new_values(outlet, code)
        rate = min(np.count_nonzero(ref[new]) / max(np.count_nonzero(ref), 1), 1.0)
        rates[code] = float(f"{rate:.3g}")
        k = counts[:, j]
        p = np.where(k > 0, bdtrc(np.maximum(k - 1, 0), np.maximum(hours, 1), rate), 1.0)
        chance = np.minimum(chance, p * len(codes))
    return weeks, np.minimum(chance, 1.0), rates
