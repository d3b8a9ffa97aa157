"""The lead queue page and the JSON API in the triage order once a model is stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from monitor.casework import triage as T
from monitor.store.casework_models import TriageModelRow, TriageRankRow
from monitor.store.store import create_engine
from tests.monitor.test_triage import descending, synthetic, yields
from tests.monitor.web.conftest import Client
from tests.monitor.web.support import Seeded


def _store_model(url: str) -> None:
    x, y, _ = synthetic(300, np.random.default_rng(2))
    model = T.train(x, y, version=1)
    with Session(create_engine(url)) as s, s.begin():
        s.add(
            TriageModelRow(
                version=1,
                created_at=datetime(2026, 12, 1, tzinfo=UTC),
                trained_by="test",
                n_verdicts=len(y),
                n_confirmed=int(y.sum()),
                lead_ids=[],
                features=list(T.FEATURES),
                metrics={},
                model=model.to_bytes(),
            )
        )


def test_queue_and_api_follow_the_stored_model(
    seeded: Seeded, client_for: Callable[..., Client]
) -> None:
    c = client_for(seeded, "admin")
    before = c.get("/api/leads").json()
    assert before and all(r["probability"] is None for r in before)  # no model: newest first
    assert 'data-testid="triage"' not in c.get("/leads").text
    _store_model(seeded.url)
    rows = c.get("/api/leads").json()
    probs = [r["probability"] for r in rows]
    assert all(p is not None for p in probs) and descending(yields(rows))
    assert {r["model"] for r in rows} == {1} and all(r["why"] for r in rows)
    assert {r["id"] for r in rows} == {r["id"] for r in before}
    newest = c.get("/api/leads", params={"sort": "newest"}).json()
    assert [r["id"] for r in newest] == [r["id"] for r in before]
    page = c.get("/leads").text
    assert page.count('data-testid="triage"') == len(rows) and "%<br><small>" in page
    zh = client_for(seeded, "admin", lang="zh").get("/leads").text
    assert "核查价值" in zh and "↑" in zh
    with Session(create_engine(seeded.url)) as s:  # showing a page writes no audit
        assert s.scalar(sa.select(sa.func.count()).select_from(TriageRankRow)) == 0
