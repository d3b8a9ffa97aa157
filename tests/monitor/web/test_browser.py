"""The web page in real headless Chromium (Debian's ``chromium`` driven by Playwright).

`monitor serve` runs as a subprocess on 127.0.0.1 with a seeded SQLite database; the browser
signs in, opens a lead, sees its chart, works it to confirmed, and sees the enterprise's score
and colour change. Every request the page makes must go to the application itself. In Chinese,
every character of the lead page must be drawn by a real font; with ``UPDATE_SCREENSHOT=1`` that
page is saved as ``docs/lead-page.png``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture(params=["en"])
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, Seeded]]:
    lang = request.param
    seeded = seed(f"sqlite:///{tmp_path / 'web.db'}", lang)
    sites = tmp_path / "sites.toml"
    sites.write_text(REGISTRY_TOML, encoding="utf-8")
    port = free_port()
    monitor = Path(sys.executable).with_name("monitor")
    env = {
        **os.environ,
        "MONITOR_WEB_SECRET": "browser-test-secret-0123456789",
        "MONITOR_LANG": lang,
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
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: _console_error(m, errors))
            page.goto(f"{base}/leads/{seeded.lintong_lead}")
            assert "/login" in page.url
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/leads/{seeded.lintong_lead}")

            # the lead page: summary, the interactive chart (plotly.js served by the app) with
            # the limit, the shaded window, flagged points; the server-drawn SVG kept for print
            live = _live_chart(page)
            box = live.bounding_box()
            assert box is not None and box["width"] > 600 and box["height"] > 200
            assert live.locator(".scatterlayer .trace").count() == 3  # COD, its flags, flow
            svg = page.locator("[data-testid=readings-chart]")
            assert not svg.is_visible()
            assert page.locator("[data-testid=readings-chart] .limit-line").count() == 1
            assert page.locator("[data-testid=readings-chart] .flagged-interval").count() == 2
            assert page.locator("[data-testid=readings-chart] .flag-mark").count() == 4
            page.emulate_media(media="print")
            assert svg.is_visible() and not live.is_visible()
            page.emulate_media(media="screen")
            assert "COD over its limit" in page.inner_text("[data-testid=summary]")
            assert "61" in page.inner_text("[data-testid=evidence]")
            shot = tmp_path / "lead-page.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000

            # without script the server-drawn SVG is the chart
            bare = browser.new_context(
                java_script_enabled=False,
                storage_state=page.context.storage_state(),
                viewport={"width": 1280, "height": 900},
            )
            still = bare.new_page()
            still.on("request", lambda r: requests.append(r.url))
            still.goto(f"{base}/leads/{seeded.lintong_lead}")
            assert still.locator("[data-testid=readings-chart]").is_visible()
            assert still.locator("[data-testid=live-chart] .main-svg").count() == 0
            bare.close()

            # the outlet's page: every channel over the days asked for
            page.click("[data-testid=outlet-link]")
            page.wait_for_url(f"{base}/outlets/**")
            assert _live_chart(page).locator(".scatterlayer .trace").count() == 3
            assert f"#{seeded.lintong_lead}" in page.inner_text("[data-testid=outlet-leads]")
            page.go_back()

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
    assert not errors, errors  # no script error, nothing refused by the Content-Security-Policy


def _console_error(message: Any, errors: list[str]) -> None:
    """Collect a console error (a refusal by the CSP is one), but not the missing favicon."""
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        errors.append(message.text)


def _live_chart(page: Any) -> Any:
    """The page's interactive chart once plotly.js has drawn it."""
    page.locator("[data-testid=live-chart][data-ready='1']").wait_for(state="visible")
    return page.locator("[data-testid=live-chart]")


#: The visible time range of the interactive chart (ms, however plotly keeps the range).
_X_RANGE_JS = """() => document.querySelector('[data-testid=live-chart]').layout.xaxis.range
  .map(v => typeof v === 'number' ? v : Date.parse(String(v).replace(' ', 'T') + 'Z'))"""


#: Draws each distinct CJK character of an element's text in that element's font and returns how
#: many characters there are and how many distinct bitmaps they draw as. A character no font on the
#: machine has is drawn as the same empty box ("tofu") as every other missing one.
_GLYPHS_JS = """(sel) => {
  const el = document.querySelector(sel);
  const chars = [...new Set([...el.innerText].filter(c => /[\\u4e00-\\u9fff]/.test(c)))];
  const canvas = document.createElement('canvas');
  canvas.width = 48; canvas.height = 48;
  const g = canvas.getContext('2d', {willReadFrequently: true});
  g.font = '36px ' + getComputedStyle(el).fontFamily;
  const seen = new Set();
  for (const c of chars) {
    g.clearRect(0, 0, 48, 48);
    g.fillText(c, 4, 40);
    seen.add(g.getImageData(0, 0, 48, 48).data.join(','));
  }
  return {chars: chars.length, distinct: seen.size};
}"""


@pytest.mark.parametrize("server", ["zh"], indirect=True)
def test_chinese_lead_page_renders_every_glyph(server: tuple[str, Seeded], tmp_path: Path) -> None:
    """Under ``lang = "zh"`` the lead page is Chinese and every character is drawn by a real font.

    The page's fonts come from the machine (the test set-up installs Debian's fonts-noto-cjk);
    without a CJK font Chromium draws each character as the same box, which this test refuses.
    The docs' screenshot is this page (``UPDATE_SCREENSHOT=1``).
    """
    chromium = require_binary("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    base, seeded = server
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: _console_error(m, errors))
            page.goto(f"{base}/leads/{seeded.lintong_lead}")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/leads/{seeded.lintong_lead}")
            live = _live_chart(page)
            assert page.get_attribute("html", "lang") == "zh-CN"
            glyphs = page.evaluate(_GLYPHS_JS, "body")
            assert glyphs["chars"] >= 20, glyphs  # the page is in Chinese
            assert glyphs["distinct"] == glyphs["chars"], f"missing CJK glyphs: {glyphs}"

            # the font Chromium actually used for the page's Chinese text
            cdp = page.context.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument")["root"]["nodeId"]
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "main h1"})
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            assert any("CJK" in f["familyName"] for f in fonts), fonts

            shot = tmp_path / "lead-page.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
            if os.environ.get("UPDATE_SCREENSHOT") == "1":
                (REPO / "docs").mkdir(exist_ok=True)
                shutil.copy(shot, REPO / "docs" / "lead-page.png")

            # hover: the value under the pointer, with the channel's Chinese name
            plot = live.locator(".nsewdrag").first  # the first panel's plot area (COD)
            area = plot.bounding_box()
            assert area is not None
            mid_y = area["y"] + area["height"] * 0.5
            page.mouse.move(area["x"] + area["width"] * 0.5, mid_y)
            label = live.locator(".hoverlayer .hovertext").first
            label.wait_for(state="visible")
            shown = live.locator(".hoverlayer").text_content() or ""
            assert re.search(r"\d+(\.\d+)?", label.text_content() or ""), shown
            assert "化学需氧量" in shown, shown
            # zoom: drag across a third of the plot narrows the time axis of every panel
            before = page.evaluate(_X_RANGE_JS)
            page.mouse.move(area["x"] + area["width"] * 0.3, mid_y)
            page.mouse.down()
            page.mouse.move(area["x"] + area["width"] * 0.45, mid_y, steps=5)
            page.mouse.move(area["x"] + area["width"] * 0.6, mid_y, steps=5)
            page.mouse.up()
            page.wait_for_function(f"(b) => ({_X_RANGE_JS})()[0] !== b[0]", arg=before)
            after = page.evaluate(_X_RANGE_JS)
            width_before, width_after = before[1] - before[0], after[1] - after[0]
            assert 0.2 < width_after / width_before < 0.4, (before, after)
            assert before[0] < after[0] < after[1] < before[1]
            page.mouse.move(area["x"] + area["width"] * 0.5, mid_y)  # the label shown again
        finally:
            browser.close()
    assert requests and all(u.startswith(base + "/") for u in requests), [
        u for u in requests if not u.startswith(base)
    ]
    assert not errors, errors  # plotly.js in zh-CN: no script error, nothing refused by the CSP
