"""A complaint through its loop in real headless Chromium: recorded on the queue page, overdue
for acceptance and alerted (`monitor alerts dispatch` against the same database), then accepted,
assigned, handled, replied to and closed by the page's forms."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.monitor.web.support import PASSWORD, Seeded
from tests.monitor.web.test_browser import CHROMIUM_ARGS, server  # noqa: F401  (the fixture)
from tests.services import require_binary

pytestmark = pytest.mark.integration


def test_complaint_received_overdue_alerted_replied_closed(server: tuple[str, Seeded]) -> None:  # noqa: F811
    chromium = require_binary("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    base, seeded = server
    received = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=10)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/complaints")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/complaints")

            form = page.locator("[data-testid=new-complaint]")
            form.locator("select[name=channel]").select_option("12345")
            form.locator("input[name=received]").fill(received.strftime("%Y-%m-%dT%H:%M"))
            form.locator("input[name=enterprise]").fill("E0001")
            form.locator("input[name=contact]").fill("13700000000")
            form.locator("textarea[name=text]").fill("foam on the river below the outlet")
            with page.expect_navigation():
                form.locator("button[type=submit]").click()
            assert "/complaints/" in page.url
            assert page.get_attribute("[data-testid=status]", "data-status") == "received"
            assert "acceptance overdue" in page.inner_text("h1 [data-testid=overdue]")
            assert page.inner_text("[data-testid=contact]") == "13700000000"  # an admin

            # the alerter (as a timer runs it) finds the overdue complaint
            monitor = Path(sys.executable).with_name("monitor")
            out = subprocess.run(
                [str(monitor), "alerts", "dispatch", "--db", seeded.url],
                capture_output=True, text=True, check=True, timeout=60,
            )  # fmt: skip
            assert "attempts" in out.stdout
            page.reload()
            alerts = page.inner_text("[data-testid=complaint-alerts]")
            assert "acceptance overdue" in alerts and "pending" in alerts

            for action, fields in (
                ("accept", {}),
                ("assign", {"input[name=assignee]": "wang"}),
                ("handle", {"input[name=result]": "foam from a leaking tank, repaired"}),
                ("reply", {"input[name=reply]": "The leak was repaired; thank you."}),
                ("close", {}),
            ):
                form = page.locator(f"form[data-action={action}]")
                for selector, value in fields.items():
                    form.locator(selector).fill(value)
                if action == "handle":
                    form.locator("select[name=substantiated]").select_option("yes")
                if action == "close":
                    form.locator("select[name=satisfied]").select_option("yes")
                with page.expect_navigation():
                    form.locator("button[type=submit]").click()
                assert page.locator("[data-testid=error]").count() == 0, action
            assert page.get_attribute("[data-testid=status]", "data-status") == "closed"
            assert page.locator("h1 [data-testid=overdue]").count() == 0
            audit = page.inner_text("[data-testid=audit]")
            for step in ("receive", "accept", "assign", "handle", "reply", "close"):
                assert step in audit
            assert "The leak was repaired" in page.inner_text("[data-testid=reply]")
            page.click("text=E0001")
            page.wait_for_url(f"{base}/enterprises/E0001")
            assert page.inner_text("[data-testid=sources] [data-source=complaint]") == "-3"
        finally:
            browser.close()
