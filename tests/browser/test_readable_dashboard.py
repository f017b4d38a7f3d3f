"""Issue 19, items 5-7, in the browser: charts whose words are read at reading size, home pages that do not move as
their tiles load, the mentor's home that leads with the visit and the feedback left to write, and dates said in the
reader's language whatever the browser's.

Reads only. What the tiles should show is read from the demo rows of the day, not named here."""

import pytest
from playwright.sync_api import Page, expect

from blueprints.auth.models import User
from blueprints.core.i18n import LANGUAGE_COOKIE
from blueprints.dashboard.tiles import base as tiles
from blueprints.dashboard.tiles.own import next_visit
from tests.browser.support import live_db, programme_today, screenshot
from tests.browser.test_dashboard_journey import tiles_loaded

PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1366, "height": 768}
SIZES = {"360": PHONE, "1366": DESKTOP}

# Every chart on the page (a figure, or an SVG outside one) with each run of its text: the size it is drawn at (an
# SVG's font size times the SVG's scale), where it is, the chart's box and the caption the chart has.
CHART_TEXT = """() => {
  const charts = [...document.querySelectorAll("main figure.chart, main svg:not(figure.chart svg):not(.bell svg)")];
  return charts.map(chart => {
    const box = chart.getBoundingClientRect();
    const texts = [];
    const walker = document.createTreeWalker(chart, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode, el = node.parentElement;
      if (!node.textContent.trim() || el.closest("title, .visually-hidden")) continue;
      let size = parseFloat(getComputedStyle(el).fontSize);
      let rects;
      if (el instanceof SVGElement) {
        size *= el.getScreenCTM().a;
        rects = [el.getBoundingClientRect()];
      } else {
        const range = document.createRange();
        range.selectNodeContents(node);
        rects = [...range.getClientRects()].filter(r => r.width > 0);
      }
      for (const r of rects) texts.push({text: node.textContent.trim(), size, left: r.left, right: r.right, top: r.top, bottom: r.bottom});
    }
    let caption = "";
    if (chart.matches("figure")) caption = (chart.querySelector(":scope > figcaption") || {}).textContent || "";
    else if (chart.matches("svg.sparkline")) caption = chart.parentElement.matches(".spark") ? chart.parentElement.textContent : "";
    return {kind: chart.tagName + "." + chart.getAttribute("class"), tile: chart.closest("section.tile")?.id,
            box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom}, texts, caption: caption.trim()};
  });
}"""


CHART_PAGES = {"home": "/", "equipment-report": "/equipment/report"}  # the dashboard's charts and the equipment trend


def coordinator_home(as_user, size: str, path: str = "/") -> Page:
    page = as_user("coordinator", path, viewport=SIZES[size])
    if path == "/":
        tiles_loaded(page, "coordinator")
    return page


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("where", CHART_PAGES)
def test_chart_text_renders_at_11_px_or_more_and_is_never_clipped(as_user, where, size):
    page = coordinator_home(as_user, size, CHART_PAGES[where])
    charts = page.evaluate(CHART_TEXT)
    assert any(c["texts"] for c in charts), "the demo draws charts with names"
    small, clipped = [], []
    for chart in charts:
        box = chart["box"]
        for t in chart["texts"]:
            if t["size"] < 11:
                small.append(f'{chart["tile"]}: "{t["text"]}" at {t["size"]:.1f} px')
            if t["left"] < box["left"] - 1 or t["right"] > box["right"] + 1 or t["top"] < box["top"] - 1 or t["bottom"] > box["bottom"] + 1:
                clipped.append(f'{chart["tile"]}: "{t["text"]}" outside its chart')
            if t["text"].endswith("…"):
                clipped.append(f'{chart["tile"]}: "{t["text"]}" cut short')
    screenshot(page, f"charts-{where}-{size}")
    assert not small, "chart text under 11 px:\n  " + "\n  ".join(small[:20])
    assert not clipped, "\n  ".join(clipped[:20])


@pytest.mark.parametrize("where", CHART_PAGES)
def test_every_chart_says_in_a_caption_what_it_shows(as_user, where):
    page = coordinator_home(as_user, "1366", CHART_PAGES[where])
    charts = page.evaluate(CHART_TEXT)
    assert charts
    uncaptioned = [f'{c["tile"]}: {c["kind"]}' for c in charts if not c["caption"]]
    assert not uncaptioned, "charts without a caption: " + ", ".join(uncaptioned)


def test_a_chart_whose_bars_are_all_equal_gives_way_to_the_list(as_user):
    """The missed-visits tile: its bars (held visits missed per mentor) are drawn only when the counts differ."""
    page = coordinator_home(as_user, "1366")
    box = page.locator("#tile-missed")
    counts = box.locator("table.data tbody tr td:nth-child(2)").all_text_contents()
    if not counts:
        pytest.skip("no mentor missed a held visit in the demo of this day")
    shown = {int(c) for c in counts[:tiles.LIST_ROWS]}
    expect(box.locator("figure.chart")).to_have_count(0 if len(shown) == 1 else 1)
    expect(box.locator(".tile-list > li")).to_have_count(min(len(counts), tiles.LIST_ROWS))
    expect(box.locator("svg")).to_have_count(0 if len(shown) == 1 else min(len(counts), tiles.LIST_ROWS))


LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
    .observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


@pytest.mark.parametrize("size", SIZES)
def test_the_coordinator_home_does_not_shift_as_its_tiles_load(as_user, size):
    page = coordinator_home(as_user, size)
    page.wait_for_load_state("networkidle")
    shift = page.evaluate(LAYOUT_SHIFT)
    assert shift <= 0.05, f"cumulative layout shift {shift:.3f} at {size} px"


def test_the_mentors_phone_home_shows_the_next_visit_and_the_feedback_to_write_above_the_fold(as_user, live_server):
    with live_db(live_server.app) as session:
        user = session.query(User).filter_by(username="mentor.01").one()
        visit = next_visit(user, programme_today(live_server.app))
        assert visit is not None, "the demo gives mentor.01 a next visit"
        where = visit.hospital.name
    page = as_user("mentor.01", "/", viewport=PHONE)
    lead = page.locator("section.today")
    visit_link = lead.get_by_role("link", name=where)
    expect(visit_link).to_be_visible()
    writing = lead.get_by_role("link", name="Feedback for").or_(lead.get_by_role("link", name="Your reflection")).first
    expect(writing).to_be_visible()
    screenshot(page, "mentor-home-360")
    assert page.evaluate("window.scrollY") == 0
    for link in (visit_link, writing):
        box = link.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], f"{link} below the fold"


def test_a_date_input_says_its_day_in_the_readers_language_whatever_the_browsers(as_user, live_server):
    page = as_user("coordinator", "/", viewport=DESKTOP, locale="en-US")  # the browser's locale: English
    page.context.add_cookies([{"name": LANGUAGE_COOKIE, "value": "rw", "url": live_server.url}])  # the reader's: Kinyarwanda
    page.goto("/?from=2026-01-02&to=2026-06-10")
    said = page.locator("output[for=from]")
    expect(said).to_have_text("2 mut. 2026")  # written by the server
    page.locator("input#from").fill("2026-03-05")
    expect(said).to_have_text("5 wer. 2026")  # kept in step as the date changes
    page.locator("input#from").fill("")
    expect(said).to_have_text("")
