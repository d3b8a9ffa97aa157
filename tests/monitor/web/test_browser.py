"""The web page in real headless Chromium (Debian's ``chromium`` driven by Playwright).

`monitor serve` runs as a subprocess on 127.0.0.1 with a seeded SQLite database; the browser
signs in, opens a lead, sees its chart, works it to confirmed, and sees the enterprise's score
and colour change. Every request the page makes must go to the application itself. With
``UPDATE_SCREENSHOT=1`` the lead page is saved as ``docs/lead-page.png``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.monitor.web.support import PASSWORD, REGISTRY_TOML, Seeded, seed
from tests.services import HOST, free_port, require_binary, wait_for_port

pytestmark = pytest.mark.integration

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Seeded]]:
    seeded = seed(f"sqlite:///{tmp_path / 'web.db'}")
    sites = tmp_path / "sites.toml"
    sites.write_text(REGISTRY_TOML, encoding="utf-8")
    port = free_port()
    monitor = Path(sys.executable).with_name("monitor")
    env = {
        **os.environ,
        "MONITOR_WEB_SECRET": "browser-test-secret-0123456789",
        "MONITOR_LANG": "en",
    }
    cmd = [str(monitor), "serve", "--db", seeded.url, "--sites", str(sites), "--host", HOST]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port)], env=env, cwd=tmp_path, stderr=subprocess.PIPE
    )
    try:
        wait_for_port(HOST, port, timeout_s=30, proc=proc)
        yield f"http://{HOST}:{port}", seeded
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_sign_in_open_lead_confirm_and_see_score_change(
    server: tuple[str, Seeded], tmp_path: Path
) -> None:
    chromium = require_binary("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    base, seeded = server
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(f"{base}/leads/{seeded.lintong_lead}")
            assert "/login" in page.url
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/leads/{seeded.lintong_lead}")

            # the lead page: summary, a chart with the limit, the shaded window, flagged points
            chart = page.locator("[data-testid=readings-chart]")
            chart.wait_for(state="visible")
            box = chart.bounding_box()
            assert box is not None and box["width"] > 600 and box["height"] > 200
            assert page.locator("[data-testid=readings-chart] .limit-line").count() == 1
            assert page.locator("[data-testid=readings-chart] .flagged-interval").count() == 2
            assert page.locator("[data-testid=readings-chart] .flag-mark").count() == 4
            assert "COD over its limit" in page.inner_text("[data-testid=summary]")
            shot = tmp_path / "lead-page.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
            if os.environ.get("UPDATE_SCREENSHOT") == "1":
                (REPO / "docs").mkdir(exist_ok=True)
                shutil.copy(shot, REPO / "docs" / "lead-page.png")

            # the raw data behind it is one click away
            page.click("[data-testid=raw-link]")
            assert page.locator("[data-testid=raw-readings] tbody tr").count() == 48
            page.go_back()

            # work the integrity lead of E0002 (yellow, 80) to confirmed: red, 60
            page.goto(f"{base}/leads/{seeded.yanta_lead}")
            score = page.locator("[data-testid=score-box] [data-testid=score]")
            assert score.get_attribute("data-colour") == "yellow"
            assert score.inner_text().strip() == "80"
            for action, note in (
                ("assign", "desk check first"),
                ("inspect", "held value in the analyser log"),
                ("confirm", "confirmed on site"),
            ):
                form = page.locator(f"form[data-action={action}]")
                form.locator("input[name=note]").fill(note)
                with page.expect_navigation():
                    form.locator("button[type=submit]").click()
            assert "confirmed on site" in page.inner_text("[data-testid=audit]")
            score = page.locator("[data-testid=score-box] [data-testid=score]")
            assert score.get_attribute("data-colour") == "red"
            assert score.inner_text().strip() == "60"
            page.click("text=E0002")
            page.wait_for_url(f"{base}/enterprises/E0002")
            assert page.locator("h1 [data-testid=score]").get_attribute("data-colour") == "red"
            assert page.locator("[data-testid=score-chart]").is_visible()
            assert "final:integrity.high" in page.inner_text("[data-testid=ledger]")
        finally:
            browser.close()
    assert requests and all(u.startswith(base + "/") for u in requests), [
        u for u in requests if not u.startswith(base)
    ]
