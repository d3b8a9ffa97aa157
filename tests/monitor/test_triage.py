"""Lead triage: features without identity, a model that can fail the evaluation, calibration,
and verdicts imported from a file through the lead lifecycle."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sklearn.metrics import roc_auc_score

from monitor.casework import leads as L
from monitor.casework import triage as T
from monitor.casework.scoring import default_rules
from monitor.casework.verdicts import VerdictFileError, import_verdicts
from monitor.cli import main
from monitor.store.casework_models import (
    FindingRow,
    LeadEventRow,
    LeadRow,
    ScoreEventRow,
    TriageModelRow,
    TriageRankRow,
)
from tests.monitor.casework_support import (
    MN1,
    MN3,
    MN4,
    REGISTRY_TOML,
    engine_for,
    finding,
    tx,
    utc,
)
from tests.monitor.casework_support import registry as make_registry

COL = {n: i for i, n in enumerate(T.FEATURES)}


def synthetic(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature rows like real leads' and verdicts drawn from a known probability: integrity leads
    and enterprises with confirmed leads are confirmed more often, severity and confidence help a
    little (so the prior is informative, but not all there is)."""
    x = np.zeros((n, len(T.FEATURES)))
    integrity = rng.random(n) < 0.3
    x[:, COL["category_integrity"]] = integrity
    x[:, COL["category_exceedance"]] = ~integrity
    x[:, COL["severity"]] = rng.integers(0, 3, n)
    x[:, COL["confidence_max"]] = rng.uniform(0.5, 1.0, n)
    x[:, COL["confidence_mean"]] = x[:, COL["confidence_max"]]
    x[:, COL["enterprise_confirmed"]] = rng.poisson(1.0, n)
    x[:, COL["hours_log"]] = rng.uniform(0, 5, n)
    logit = (
        -2.2
        + 1.6 * integrity
        + 0.3 * x[:, COL["severity"]]
        + 0.8 * x[:, COL["enterprise_confirmed"]]
        - 0.2 * x[:, COL["hours_log"]]
    )
    p = 1 / (1 + np.exp(-logit))
    return x, (rng.random(n) < p).astype(int), p


def yields(rows: list[dict[str, object]]) -> list[float]:
    """What the queue is ordered by: probability x |final points| of category and severity."""
    final = default_rules().final
    return [
        round(float(r["probability"]) * abs(final[r["category"]][r["severity"]]), 6)  # type: ignore[arg-type, index]
        for r in rows
    ]


def descending(values: list[float], tol: float = 0.03) -> bool:
    """Non-increasing up to the rounding of the shown probability (3 decimals x 40 points)."""
    return all(a >= b - tol for a, b in itertools.pairwise(values))


def test_features_hold_no_identity() -> None:
    for name in T.FEATURES:
        assert not any(w in name for w in ("mn", "enterprise_id", "district", "site", "name"))
    assert "enterprise" not in T.FEATURES and "mn" not in T.FEATURES


def _decided_world(sqlite_url: str) -> tuple[object, list[int]]:
    """Leads of three enterprises, some decided, with their score ledger."""
    engine = engine_for(sqlite_url)
    reg = make_registry()
    with tx(engine) as s:
        fs = []
        for day in range(1, 13):
            mn = (MN1, MN3, MN4)[day % 3]
            integ = day % 2 == 0
            fs.append(
                finding(
                    f"2026-03-{day:02d} 02:00",
                    f"2026-03-{day:02d} 09:00",
                    mn=mn,
                    category="integrity" if integ else "exceedance",
                    severity=("low", "medium", "high")[day % 3],
                    detector="frozen" if integ else "exceedance",
                    confidence=0.6 + day / 40,
                    evidence={"ratio": 1.1 + day / 10} if not integ else {"p_value": 1e-5},
                )
            )
        fs.append(
            finding(
                "2026-03-20", "2026-03-20 05:00", mn=MN1, category="completeness", severity="low"
            )
        )
        L.record_findings(s, fs, reg, now=utc(2026, 3, 25))
    ids = []
    with tx(engine) as s:
        for k, lead in enumerate(s.scalars(sa.select(LeadRow).order_by(LeadRow.id)).all()[:8]):
            at = utc(2026, 3, 26, k)
            L.act(s, lead.id, "assign", "wang", now=at)
            L.act(s, lead.id, "inspect", "wang", now=at)
            L.act(s, lead.id, "confirm" if k % 3 else "dismiss", "wang", now=at)
            ids.append(lead.id)
    return engine, ids


def test_permuting_identities_changes_no_feature(sqlite_url: str) -> None:
    engine, _ = _decided_world(sqlite_url)
    at = utc(2026, 4, 1)
    with tx(engine) as s:
        leads = list(s.scalars(sa.select(LeadRow).order_by(LeadRow.id)))
        before = T.feature_matrix(s, leads, at)
        _, x_before, y_before, _ = T.verdict_examples(s)
    # rename every enterprise and outlet (a permutation of the names, then fresh ones)
    rename = {"E0001": "E0002", "E0002": "E0003", "E0003": "E0001"}
    mns = {MN1: "X1", MN3: "X3", MN4: "X4", "61011500000002": "X2"}
    with tx(engine) as s:
        for table, col in ((LeadRow, "enterprise"), (ScoreEventRow, "enterprise")):
            c = getattr(table, col)
            s.execute(sa.update(table).values({col: sa.case(rename, value=c, else_=c)}))
        for table in (LeadRow, FindingRow):
            s.execute(sa.update(table).values(mn=sa.case(mns, value=table.mn, else_=table.mn)))
    with tx(engine) as s:
        leads = list(s.scalars(sa.select(LeadRow).order_by(LeadRow.id)))
        assert {x.enterprise for x in leads} <= set(rename) and leads[0].mn.startswith("X")
        after = T.feature_matrix(s, leads, at)
        _, x_after, y_after, _ = T.verdict_examples(s)
    np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(x_before, x_after)
    np.testing.assert_array_equal(y_before, y_after)
    # the history features are not empty: an enterprise's earlier verdicts are seen
    assert before[:, COL["enterprise_confirmed"]].max() > 0
    assert before[:, COL["score"]].min() < 100


def test_shuffled_verdicts_rank_no_better_than_the_prior() -> None:
    rng = np.random.default_rng(7)
    x, y, _ = synthetic(400, rng)
    x_test, y_test, _ = synthetic(2000, rng)
    prior_auc = roc_auc_score(y_test, T.TriageModel().probabilities(x_test))
    real = T.train(x, y)
    shuffled = T.train(x, rng.permutation(y))
    assert not real.is_prior and not shuffled.is_prior
    real_auc = roc_auc_score(y_test, real.probabilities(x_test))
    shuffled_auc = roc_auc_score(y_test, shuffled.probabilities(x_test))
    assert prior_auc > 0.55  # the prior knows something (severity, confidence, category)
    assert real_auc > prior_auc + 0.05  # learning from verdicts is worth it...
    assert shuffled_auc < prior_auc + 0.02  # ...and learning from noise is not


def test_probability_is_calibrated_on_held_out_verdicts() -> None:
    rng = np.random.default_rng(3)
    x, y, _ = synthetic(600, rng)
    x_test, y_test, _ = synthetic(3000, rng)
    p = T.train(x, y).probabilities(x_test)
    edges = np.quantile(p, np.linspace(0, 1, 6))
    for lo, hi in itertools.pairwise(edges):
        inside = (p >= lo) & (p <= hi)
        assert inside.sum() >= 300
        assert abs(p[inside].mean() - y_test[inside].mean()) < 0.1, (lo, hi)


def test_too_few_verdicts_give_the_prior() -> None:
    rng = np.random.default_rng(1)
    x, y, _ = synthetic(T.MIN_VERDICTS - 1, rng)
    model = T.train(x, y)
    assert model.is_prior and model.version == 0
    assert T.prior_probability("high", 1.0, "integrity") > T.prior_probability("high", 1.0, "x")
    assert T.prior_probability("high", 0.9, "exceedance") > T.prior_probability(
        "low", 0.9, "exceedance"
    )


def test_explanations_name_the_features_that_moved_a_lead() -> None:
    rng = np.random.default_rng(5)
    x, y, _ = synthetic(500, rng)
    model = T.train(x, y)
    row = np.zeros((1, len(T.FEATURES)))
    row[0, COL["category_integrity"]] = 1
    row[0, COL["enterprise_confirmed"]] = 6
    why = model.explain(row, top=2)[0]
    names = [n for n, _ in why]
    assert names[0] == "enterprise_confirmed" and names[1] in ("category_integrity", "prior")
    assert all(v > 0 for _, v in why)
    row[0, COL["category_integrity"]] = 0  # an exceedance lead: "not integrity" is no reason
    assert "category_integrity" not in [n for n, _ in model.explain(row, top=5)[0]]
    assert "企业已确认线索数 ↑" in T.why_text(why, "zh")


def _verdict_file(tmp_path: Path, rows: list[str], name: str = "v.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(["lead,verdict,who,when,note", *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "{a},maybe,wang,2026-04-01 10:00,",
            "row 3: verdict 'maybe' is not confirmed or dismissed",
        ),
        ("999,confirmed,wang,2026-04-01 10:00,", "row 3: no lead #999"),
        ("{a},confirmed,,2026-04-01 10:00,", "row 3: who is empty"),
        ("{a},confirmed,wang,yesterday,", "row 3: when 'yesterday' is not a date and time"),
        ("x12,dismissed,wang,2026-04-01,", "row 3: lead 'x12' is not a lead number"),
        ("{b},dismissed,wang,2026-04-01,", "row 3: lead #{b} appears again (first on row 2)"),
        ("{d},dismissed,wang,2026-04-01,", "row 3: lead #{d} is confirmed: cannot dismiss it"),
    ],
)
def test_a_bad_row_refuses_the_whole_file(
    sqlite_url: str, tmp_path: Path, row: str, problem: str
) -> None:
    engine, decided = _decided_world(sqlite_url)
    with tx(engine) as s:
        open_ids = [x.id for x in L.list_leads(s, status="open")]
        events = s.scalar(sa.select(sa.func.count()).select_from(LeadEventRow))
    a, b = open_ids[0], open_ids[1]
    d = decided[1]  # confirmed (k = 1)
    fill = {"a": a, "b": b, "d": d}
    path = _verdict_file(tmp_path, [f"{b},confirmed,wang,2026-04-01 09:00,ok", row.format(**fill)])
    with pytest.raises(VerdictFileError) as err, tx(engine) as s:
        import_verdicts(s, path, tz="Asia/Shanghai")
    message = str(err.value)
    assert "\n" not in message and str(path) in message and problem.format(**fill) in message
    with tx(engine) as s:  # nothing recorded, not even the good first row
        assert s.get(LeadRow, b).status == "open"
        assert s.scalar(sa.select(sa.func.count()).select_from(LeadEventRow)) == events


def test_verdicts_go_through_the_lifecycle_csv_and_xlsx(sqlite_url: str, tmp_path: Path) -> None:
    from openpyxl import Workbook

    engine, _ = _decided_world(sqlite_url)
    with tx(engine) as s:
        a, b = [x.id for x in L.list_leads(s, status="open")][:2]
        L.act(s, b, "assign", "chief", assignee="li", now=utc(2026, 3, 30))
    csv_path = _verdict_file(tmp_path, [f"{a},confirmed,wang,2026-04-01 10:00,swapped standard"])
    book = Workbook()
    book.active.append(["线索", "结论", "核查人", "时间", "备注"])
    book.active.append([f"#{b}", "已排除", "li", "2026-04-02 11:00", "analyser fault"])
    xlsx_path = tmp_path / "v.xlsx"
    book.save(xlsx_path)
    with tx(engine) as s:
        assert len(import_verdicts(s, csv_path, tz="Asia/Shanghai")) == 1
        assert len(import_verdicts(s, xlsx_path, tz="Asia/Shanghai")) == 1
    with tx(engine) as s:
        la, lb = s.get(LeadRow, a), s.get(LeadRow, b)
        assert (la.status, la.outcome, lb.status, lb.outcome) == (
            "confirmed",
            "confirmed",
            "dismissed",
            "dismissed",
        )
        assert [(e.action, e.who) for e in la.events][1:] == [
            ("assign", "wang"),
            ("inspect", "wang"),
            ("confirm", "wang"),
        ]
        assert la.events[-1].at == utc(2026, 4, 1, 2) and la.events[-1].note == "swapped standard"
        assert [e.action for e in lb.events][1:] == ["assign", "inspect", "dismiss"]
        kinds = {
            e.kind for e in s.scalars(sa.select(ScoreEventRow).where(ScoreEventRow.lead_id == b))
        }
        assert "restored" in kinds  # the same scoring as `monitor leads dismiss`


def test_cli_train_list_and_audit(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MONITOR_USER", "chief")
    for var in ("MONITOR_DB", "MONITOR_CONFIG", "MONITOR_SITES", "MONITOR_LANG"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "sites.toml").write_text(REGISTRY_TOML, encoding="utf-8")
    engine, _ = _decided_world(sqlite_url)
    runner = CliRunner()
    db = ["--db", sqlite_url]
    result = runner.invoke(main, ["triage", "train", *db])
    assert result.exit_code == 1 and "8 verdicts" in result.output
    assert len(result.output.strip().splitlines()) == 1
    # the nightly form: too few verdicts is no failure, the prior ranks the active leads
    nightly = runner.invoke(main, ["triage", "train", *db, "--if-enough"])
    assert nightly.exit_code == 0 and "继续使用模型v0排序" in nightly.output, nightly.output
    with tx(engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(TriageModelRow)) == 0
        audited = s.scalar(sa.select(sa.func.count()).select_from(TriageRankRow))
        assert audited == len(L.list_leads(s, status="active")) > 0
    # no model: newest first, no probability; --sort triage ranks by the prior
    plain = json.loads(runner.invoke(main, ["leads", "list", *db, "--format", "json"]).output)
    assert "probability" not in plain[0]
    ranked = json.loads(
        runner.invoke(main, ["leads", "list", *db, "--sort", "triage", "--format", "json"]).output
    )
    assert ranked[0]["why"] and descending(yields(ranked))
    with tx(engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(TriageRankRow)) == len(ranked)
    # enough verdicts: decide the rest by a rule, import more synthetic leads' verdicts
    reg = make_registry()
    with tx(engine) as s:
        fs = [
            finding(
                f"2026-05-{d:02d} 01:00",
                f"2026-05-{d:02d} 06:00",
                mn=(MN1, MN3, MN4)[d % 3],
                category="integrity" if d % 2 else "exceedance",
                detector="frozen" if d % 2 else "exceedance",
                severity="high",
            )
            for d in range(1, 29)
        ]
        L.record_findings(s, fs, reg, now=utc(2026, 6, 1))
        rows = [
            f"{x.id},{'confirmed' if x.category == 'integrity' else 'dismissed'},wang,2026-06-02,"
            for x in L.list_leads(s, status="open")
        ]
    path = _verdict_file(tmp_path, rows)
    out = runner.invoke(main, ["leads", "verdicts", *db, str(path)])
    assert out.exit_code == 0, out.output
    out = runner.invoke(main, ["triage", "train", *db])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("研判模型v1已训练")  # the configured language (zh by default)
    with tx(engine) as s:
        row = s.scalars(sa.select(TriageModelRow)).one()
        assert row.n_verdicts >= T.MIN_VERDICTS and len(row.lead_ids) == row.n_verdicts
        assert row.features == list(T.FEATURES) and T.current_model(s) is not None
    listed = json.loads(runner.invoke(main, ["leads", "list", *db, "--format", "json"]).output)
    assert all(r["model"] == 1 for r in listed)  # the default order once a model exists
    # nightly: nothing new since v1 -> no new version; one new verdict -> v2, whose ranking of
    # the active leads is audited
    again = runner.invoke(main, ["triage", "train", *db, "--if-enough"])
    assert again.exit_code == 0 and "继续使用模型v1排序" in again.output, again.output
    with tx(engine) as s:
        L.record_findings(
            s, [finding("2026-06-03 01:00", "2026-06-03 06:00", mn=MN1)], reg, now=utc(2026, 6, 4)
        )
        fresh = L.list_leads(s, status="open")[0]
        for action in ("assign", "inspect", "confirm"):
            L.act(s, fresh.id, action, "wang", now=utc(2026, 6, 5))
        L.record_findings(
            s, [finding("2026-06-06 01:00", "2026-06-06 06:00", mn=MN3)], reg, now=utc(2026, 6, 7)
        )
    newer = runner.invoke(main, ["triage", "train", *db, "--if-enough"])
    assert newer.exit_code == 0 and newer.output.startswith("研判模型v2已训练"), newer.output
    with tx(engine) as s:
        v2 = s.scalars(sa.select(TriageModelRow).where(TriageModelRow.version == 2)).one()
        assert fresh.id in v2.lead_ids
        ranked_by_v2 = set(
            s.scalars(sa.select(TriageRankRow.lead_id).where(TriageRankRow.model_version == 2))
        )
        assert ranked_by_v2 == {x.id for x in L.list_leads(s, status="active")} != set()
    window = runner.invoke(main, ["triage", "train", *db, "--if-enough", "--since", "2026-01-01"])
    assert window.exit_code == 2 and "--since" in window.output


@pytest.mark.parametrize(
    "cmd", [["triage"], ["triage", "train"], ["leads", "verdicts"]], ids=" ".join
)
def test_triage_commands_have_help_with_an_example(cmd: list[str]) -> None:
    out = CliRunner().invoke(main, [*cmd, "--help"]).output
    assert "Example" in out and "monitor " + cmd[0] in out.split("Example")[1]


def test_a_model_of_other_features_is_passed_over(sqlite_url: str) -> None:
    engine, _ = _decided_world(sqlite_url)
    x, y, _ = synthetic(120, np.random.default_rng(5))
    model = T.train(x, y)
    with tx(engine) as s:
        for version, features in ((1, list(T.FEATURES)), (2, ["an", "older", "release"])):
            s.add(
                TriageModelRow(
                    version=version,
                    created_at=utc(2026, 4, version),
                    trained_by="test",
                    n_verdicts=120,
                    n_confirmed=int(y.sum()),
                    lead_ids=[],
                    features=features,
                    metrics={},
                    model=model.to_bytes(),
                )
            )
    with tx(engine) as s:
        found = T.current_model(s)
        assert found is not None and found[1].version == 1  # v2 is of other features
        s.execute(sa.delete(TriageModelRow).where(TriageModelRow.version == 1))
    with tx(engine) as s:
        assert T.current_model(s) is None  # the prior ranks until the next training
        ordered, ranks = T.queue_order(s, L.list_leads(s, status="active"))
        assert ranks == {} and ordered
