"""Issue 19, items 1-4: a mentor rates skills at the bedside on a 360x640 phone, and the pages of the browser journeys
work there: the navigation folds behind a menu button under a header of at most 64 px, lists of things become cards,
the wide grids (equipment matrix, clash grid, a visit's attendance, a mentee's ratings) scroll sideways inside their own
labelled region, the calendar is an
agenda, and every control is thumb-sized (44x44 CSS px).

The journey here writes feedback at Kibilizi's latest held visit (no other journey touches Kibilizi).
"""

import gzip
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    axe_violations,
    demo_account,
    demo_path,
    describe_violations,
    horizontal_overflow,
    programme_today,
    screenshot,
)
from tests.browser.test_feedback_journey import feedback_to_write, posted

PHONE = {"width": 360, "height": 640}
TABLET = {"width": 768, "height": 1024}
LAPTOP = {"width": 1366, "height": 768}
TOUCH = {"viewport": PHONE, "has_touch": True, "is_mobile": True}
ACTION = "Drill newborn resuscitation weekly (phone journey)"
THUMB = 44  # CSS px, WCAG 2.5.5 (AAA) and the target

# name: (account, path or a demo_path kind in <>): the pages the items 1-4 change
PAGES = {
    "feedback-form": ("mentor", "<feedback>"),
    "home-mentor": ("mentor.01", "/"),
    "mentees-list": ("coordinator", "/mentees/"),
    "visits-list": ("coordinator", "/visits/"),
    "mentors-list": ("coordinator", "/mentors/"),
    "hospitals-list": ("coordinator", "/hospitals/"),
    "teams-list": ("coordinator", "/teams/"),
    "mentee-profile": ("admin.byumba", "<mentee>"),
    "notifications": ("mentor.01", "/notifications/"),
    "audit": ("sysadmin", "/audit/"),
    "calendar": ("coordinator", "/calendar/"),
    "visit-planned": ("coordinator", "<planned-visit>"),
    "equipment-matrix": ("coordinator", "/equipment/"),
    "mentee-accounts": ("admin.byumba", "/mentees/accounts"),
    # Issue 22: the mentee's own pages, phone first
    "home-mentee": ("<mentee>", "/"),
    "my-next-visit": ("<mentee>", "/me/next-visit"),
    "my-self-assessment": ("<mentee>", "/me/self-assessment"),
    "my-sheet": ("<mentee>", "<my-sheet>"),
    "my-action-items": ("<mentee>", "/me/action-items/"),
    "my-progress": ("<mentee>", "/me/progress"),
}
MENTEE_PAGES = ["mentee-accounts", "home-mentee", "my-next-visit", "my-self-assessment", "my-sheet", "my-action-items",
                "my-progress"]
WIDE_REGIONS = {"equipment-matrix": "Equipment gaps by hospital and item", "visit-planned": "Who is available on each day"}

# Every control a person can tap or click that is on screen; a checkbox or radio button counts with its label (tapping
# the label ticks it). Links inside a sentence are left out, as WCAG 2.5.8 leaves them out: their height is the line's,
# and making them taller would pull the paragraph apart. A link counts as in a sentence when the paragraph, list item,
# definition or cell holding it has words of its own besides the link (not a link alone in a cell or a list).
SMALL_TARGETS_JS = """min => {
  const small = [];
  const inSentence = el => {
    if (el.tagName !== 'A') return false;
    const block = el.closest('p, li, dd, td, th, figcaption');
    if (!block) return false;
    const own = [...block.childNodes].filter(n => n !== el && !n.contains(el)).map(n => n.textContent).join('').replace(/[\\s·|,;:()—–-]+/g, '');
    return own.length > 0;
  };
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex="0"]')) {
    if (el.checkVisibility && !el.checkVisibility({visibilityProperty: true})) continue;
    if (el.closest('.visually-hidden, .cell-detail')) continue;
    let target = el;
    if ((el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels.length) target = el.labels[0];
    const r = target.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= 0) continue;  // the skip link waits off screen until focused
    if (inSentence(el)) continue;
    if (r.width < min - 0.5 || r.height < min - 0.5)
      small.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || '').trim().slice(0, 40)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return small;
}"""


def page_path(live_server, path: str, account: str) -> tuple[str, str]:
    """The account and path of a listed page; <feedback> is a feedback form still to write (Kibilizi's)."""
    if account.startswith("<"):
        account = demo_account(live_server.app, account.strip("<>"))
    if path == "<feedback>":
        setting = feedback_to_write(live_server.app, "Kibilizi")
        return setting.mentor_username, f"/visits/{setting.visit_id}/feedback/{setting.mentee_id}"
    if path.startswith("<"):
        return account, demo_path(live_server.app, path.strip("<>"))
    return account, path


def open_page(as_user, live_server, name: str, **context) -> Page:
    account, path = page_path(live_server, PAGES[name][1], PAGES[name][0])
    page = as_user(account, path, **context)
    page.wait_for_load_state("networkidle")  # the lazy tiles and fragments are in
    return page


@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways_on_a_360px_phone_and_wide_grids_scroll_in_their_region(as_user, live_server, name):
    page = open_page(as_user, live_server, name, **TOUCH)
    assert horizontal_overflow(page) <= 0, f"{name} is {horizontal_overflow(page)}px wider than a 360px screen"
    if name in WIDE_REGIONS:
        region = page.get_by_role("region", name=WIDE_REGIONS[name])
        expect(region).to_be_visible()
        size = region.evaluate("""el => ({tabIndex: el.tabIndex, overflowX: getComputedStyle(el).overflowX, scrollWidth: el.scrollWidth,
                                         clientWidth: el.clientWidth, scrollHeight: el.scrollHeight, clientHeight: el.clientHeight})""")
        assert size["tabIndex"] == 0, "a region that scrolls must take keyboard focus to be scrolled"
        assert size["scrollWidth"] > size["clientWidth"] and size["overflowX"] == "auto", "the grid scrolls sideways in its region"
        assert size["scrollHeight"] <= size["clientHeight"] + 1, "no row hides behind a vertical scroll box: the page scrolls"
        first = region.locator("tbody tr").first.locator("th, td").first
        left = first.evaluate("el => el.getBoundingClientRect().left")
        region.evaluate("el => { el.scrollLeft = 400 }")
        assert abs(first.evaluate("el => el.getBoundingClientRect().left") - left) < 1, "the first column stays in view"
    screenshot(page, f"phone19-{name}")


@pytest.mark.parametrize("name", PAGES)
def test_every_control_on_a_360px_phone_is_at_least_44px_square(as_user, live_server, name):
    page = open_page(as_user, live_server, name, **TOUCH)
    small = page.evaluate(SMALL_TARGETS_JS, THUMB)
    page.locator("summary", has_text="Menu").tap()  # and the folded navigation's links
    small = list(dict.fromkeys(small + page.evaluate(SMALL_TARGETS_JS, THUMB)))
    assert not small, f"{len(small)} targets under {THUMB}x{THUMB} px on {name}:\n  " + "\n  ".join(small)


def test_header_is_at_most_64px_on_a_phone_and_its_menu_button_opens_the_navigation(as_user):
    page = as_user("coordinator", "/", **TOUCH)
    header = page.locator("header.topbar")
    assert header.bounding_box()["height"] <= 64
    nav = page.get_by_role("navigation", name="Main")
    menu = page.locator("summary", has_text="Menu")
    expect(nav).to_be_hidden()
    menu.tap()
    expect(nav.get_by_role("link", name="Mentees", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    menu.tap()
    expect(nav).to_be_hidden()
    # By keyboard: the button is reached and opened with Enter, and the links follow it in the tab order.
    menu.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('nav')?.getAttribute('aria-label')") == "Main"
    screenshot(page, "phone19-menu-open")


@pytest.mark.parametrize("account, viewport", [("mentor.01", TABLET), ("admin.byumba", TABLET), ("coordinator", LAPTOP)],
                         ids=["mentor-768", "hospital-admin-768", "coordinator-1366"])
def test_from_720px_the_navigation_is_shown_without_a_menu_button(as_user, account, viewport):
    """From 720 px for a short menu; a menu as long as the coordinator's is shown from 1200 px (the next test)."""
    page = as_user(account, "/", viewport=viewport)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Mentees", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()


@pytest.mark.parametrize("width", [800, 1024, 1150])
def test_the_coordinators_long_menu_keeps_the_header_one_row_between_720_and_1200px(as_user, width):
    """The coordinator's eleven entries wrapped the header to three rows (110-175 px) on a tablet or a small laptop;
    there they fold behind the menu button, as on a phone, and the header stays one row."""
    page = as_user("coordinator", "/", viewport={"width": width, "height": 800})
    assert page.locator("header.topbar").bounding_box()["height"] <= 64
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    page.locator("summary", has_text="Menu").click()
    expect(nav.get_by_role("link", name="Audit", exact=True)).to_be_in_viewport()
    expect(page.get_by_role("button", name="Sign out")).to_be_in_viewport()
    assert horizontal_overflow(page) <= 0
    screenshot(page, f"phone19-coordinator-menu-{width}")


def test_a_list_of_mentees_is_cards_on_a_phone_each_field_named_and_on_screen(as_user):
    page = as_user("coordinator", "/mentees/", **TOUCH)
    headers = page.locator("#mentee-results thead th").all_inner_texts()
    row = page.locator("#mentee-results tbody tr").first
    cells = row.locator("td")
    name = cells.nth(0).inner_text()
    for n in range(1, cells.count()):
        cell = cells.nth(n)
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{headers[n]} of {name} is off screen"
        label = cell.evaluate("el => getComputedStyle(el, '::before').content")
        assert label.strip('"').startswith(headers[n]), f"the {headers[n]} of {name} is shown without its name ({label})"
        assert box["y"] > cells.nth(n - 1).bounding_box()["y"], "a card's fields stand one under the other"


def test_the_calendar_is_an_agenda_with_full_hospital_names_on_a_phone_and_a_month_grid_from_720px(as_user, live_server):
    page = as_user("coordinator", "/calendar/?month=2026-06", **TOUCH)
    grid = page.locator("table.month")
    agenda = page.get_by_role("list", name="June 2026")
    expect(grid).to_be_hidden()
    expect(agenda).to_be_visible()
    chips = page.locator("table.month a.visit-chip")  # the grid's visits, hidden here: each in the agenda once
    hospitals = sorted({chips.nth(n).get_attribute("title").split(" · ")[0] for n in range(chips.count())})
    items = agenda.get_by_role("listitem")
    assert items.count() >= len(hospitals) > 0
    shown = " ".join(items.all_inner_texts())
    for hospital in hospitals:
        assert hospital in shown, f"{hospital} is missing from the agenda"
    for n in range(items.count()):
        fits = items.nth(n).evaluate("el => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= innerWidth")
        assert fits, f"agenda line {items.nth(n).inner_text()!r} is cut off"
    screenshot(page, "phone19-calendar-agenda")

    wide = as_user("coordinator", "/calendar/?month=2026-06", viewport={"width": 720, "height": 800})
    expect(wide.locator("table.month")).to_be_visible()
    expect(wide.get_by_role("list", name="June 2026")).to_be_hidden()
    assert horizontal_overflow(wide) <= 0


@pytest.mark.parametrize("viewport", [PHONE, TABLET, LAPTOP], ids=["360", "768", "1366"])
@pytest.mark.parametrize("name", ["feedback-form", "mentees-list", "calendar", "visit-planned", "equipment-matrix", "audit",
                                  *MENTEE_PAGES])
def test_pages_have_no_serious_wcag_violation_at_phone_tablet_and_laptop_widths(as_user, live_server, name, viewport):
    page = open_page(as_user, live_server, name, viewport=viewport)
    if viewport is PHONE:
        page.locator("summary", has_text="Menu").click()  # the open menu is checked too
    violations = axe_violations(page)
    assert not violations, f"axe-core found at {viewport['width']}px:\n" + describe_violations(violations)


def test_mentor_rates_three_skills_adds_an_action_item_and_signs_off_on_a_phone_by_tapping(as_user, live_server):
    setting = feedback_to_write(live_server.app, "Kibilizi")
    page = as_user(setting.mentor_username, f"/visits/{setting.visit_id}/feedback/{setting.mentee_id}", **TOUCH)
    page.wait_for_load_state("load")  # htmx wires the autosave on load
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Feedback for {setting.mentee_name}")
    skills = page.locator("fieldset.skill")
    chosen = {}
    for n, level in enumerate((3, 4, 5)):
        skill = skills.nth(n)
        skill.scroll_into_view_if_needed()
        chosen[skill.locator("legend").inner_text()] = level
        skill.locator("label.rating-choice").filter(has_text=setting.words[level]).tap()
        expect(skill.get_by_role("radio", name=f"{level} {setting.words[level]}")).to_be_checked()
    comment = skills.nth(0).locator("summary", has_text="Comment")
    comment.tap()
    skills.nth(0).get_by_role("textbox").tap()
    page.keyboard.type("Steady hands (phone journey)")
    due = (programme_today(live_server.app) + timedelta(days=30)).isoformat()
    with page.expect_response(lambda r: r.url.endswith("/autosave") and r.ok and ACTION in posted(r.request, "action-text")):
        page.locator("input[name='action-text']").first.tap()
        page.keyboard.type(ACTION)
        page.locator("input[name='action-due']").first.tap()
        page.locator("input[name='action-due']").first.fill(due)  # what the phone's date picker sets
    expect(page.locator("#save-status")).to_contain_text("Draft saved at")
    expect(page.locator("#save-status")).to_be_in_viewport()  # sticky: the status stays on screen down the form

    page.get_by_text("I have read this feedback with the mentee: sign it off").tap()
    page.get_by_role("button", name="Save and sign off").tap()
    expect(page.locator("dl.facts").first).to_contain_text("signed off")
    sheet = page.locator("#feedback-form")
    for skill, level in chosen.items():
        expect(sheet.get_by_role("row", name=skill)).to_contain_text(f"{level} · {setting.words[level]}")
    expect(sheet).to_contain_text(ACTION)
    assert horizontal_overflow(page) <= 0
    screenshot(page, "phone19-feedback-signed")


@pytest.mark.parametrize("name", ["feedback-form", "calendar", "mentees-list"])
def test_first_load_of_a_phone_page_stays_under_100kb_gzipped(as_user, live_server, name):
    """Everything the browser fetches to show the page (HTML, CSS, scripts, icons, lazy fragments), each gzipped as a
    server would send it: hospital links are slow, so the first load stays small."""
    account, path = page_path(live_server, PAGES[name][1], PAGES[name][0])
    page = as_user(account, "/account", **TOUCH)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # a first visit: nothing cached yet
    bodies: dict[str, int] = {}
    page.on("response", lambda r: bodies.__setitem__(r.url, len(gzip.compress(r.body()))) if r.ok and r.url.startswith(live_server.url) else None)
    page.goto(path, wait_until="networkidle")
    total = sum(bodies.values())
    print(f"first load of {name}: {total} bytes gzipped over {len(bodies)} responses")
    assert total <= 100 * 1024, f"{name}: {total} bytes gzipped: " + ", ".join(f"{u} {n}" for u, n in bodies.items())


# Sends of tile requests made inside the page's DOMContentLoaded task (htmx starts its `load` triggers there).
LOAD_TASK_SENDS_JS = """
window.__sentInLoadTask = [];
let inLoadTask = false;
document.addEventListener('DOMContentLoaded', () => { inLoadTask = true; setTimeout(() => { inLoadTask = false; }, 0); }, true);
const send = XMLHttpRequest.prototype.send, open = XMLHttpRequest.prototype.open;
XMLHttpRequest.prototype.open = function (method, url, ...rest) { this.__url = url; return open.call(this, method, url, ...rest); };
XMLHttpRequest.prototype.send = function (...args) { if (inLoadTask) window.__sentInLoadTask.push(String(this.__url)); return send.apply(this, args); };
"""


def test_the_coordinator_home_sends_its_tile_requests_after_the_page_load_task_not_inside_it(as_user):
    """Lighthouse (mobile) found one 311 ms task on the coordinator's home: htmx's start-up sending the nine tile requests
    in one go, which held the first tile's paint and blocked the phone; each tile's request now goes in a task of its own."""
    page = as_user("coordinator", "/account", **TOUCH)
    page.add_init_script(LOAD_TASK_SENDS_JS)
    page.goto("/", wait_until="networkidle")
    assert page.locator("#tile-cadence .tile-loading").count() == 0, "the tiles still load"
    sent = [url for url in page.evaluate("window.__sentInLoadTask") if "/dashboard/tiles/" in url]
    assert not sent, f"{len(sent)} tile requests sent inside the page's load task: {sent}"


# name: (account, path or a demo_path kind in <>, the table): lists whose row is one thing, shown as cards on a phone
CARD_PAGES = {
    "users": ("sysadmin", "/users/", "#users-results table"),
    "skills": ("coordinator", "/skills/", "#skills-table table"),
    "exports": ("coordinator", "/reports/exports", "#export-results table"),
    "support": ("coordinator", "/reflections/support", "#support-table table"),
    "equipment-catalogue": ("coordinator", "/equipment/catalogue", "main table"),
    "equipment-checklist": ("coordinator", "<equipment-check>", "table.checklist"),
}

# Problems with the first rows of a card list: a cell off screen, a cell shown without its column's name (cells under a
# column whose heading is for screen readers only, such as a row's buttons, need none; nor does the card's title).
CARD_PROBLEMS_JS = """table => {
  const problems = [];
  const heads = [...table.tHead.rows[0].cells];
  const rows = [...table.tBodies[0].rows].filter(r => !r.classList.contains('group') && r.cells.length === heads.length).slice(0, 3);
  if (!rows.length) return ['no rows'];
  for (const row of rows) {
    const title = (row.querySelector('th[scope=row], td.card-title') || row.cells[0]).innerText.trim().split('\\n')[0];
    for (const cell of row.cells) {
      const r = cell.getBoundingClientRect();
      const head = heads[cell.cellIndex];
      const name = head.innerText.trim();
      if (r.left < -0.5 || r.right > innerWidth + 0.5) problems.push(`${title}: ${name || 'a cell'} is off screen (${Math.round(r.left)}-${Math.round(r.right)})`);
      for (const control of cell.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')) {
        const c = control.getBoundingClientRect();
        if (c.width && (c.left < -0.5 || c.right > innerWidth + 0.5)) problems.push(`${title}: ${control.tagName.toLowerCase()} in ${name || 'a cell'} is off screen`);
      }
      const spoken = !head.querySelector('.visually-hidden') || head.innerText.trim() !== head.querySelector('.visually-hidden').innerText.trim();
      if (cell.tagName === 'TH' || cell.classList.contains('card-title') || !spoken || !name) continue;
      const label = getComputedStyle(cell, '::before').content.replace(/^"|"$/g, '');
      if (!label.startsWith(name)) problems.push(`${title}: the ${name} is shown without its name (${label})`);
    }
  }
  return problems;
}"""


def add_export_to_list(app) -> None:
    """The demo asks for no bulk export: one finished with an error, which no runner picks up, fills the list."""
    from blueprints.auth.models import User
    from blueprints.reports.models import ExportJob
    from tests.browser.support import live_db

    today = programme_today(app)
    with live_db(app) as session:
        coordinator = session.query(User).filter_by(username="coordinator").one()
        if not session.query(ExportJob).filter_by(requested_by_id=coordinator.id).count():
            session.add(ExportJob(requested_by_id=coordinator.id, date_from=today - timedelta(days=30), date_to=today, status="failed",
                                  done=3, total=12, error="phone cards test"))
            session.commit()


@pytest.mark.parametrize("name", CARD_PAGES)
def test_a_list_of_things_is_cards_on_a_phone_every_field_named_every_control_on_screen_and_thumb_sized(as_user, live_server, name):
    account, path, table = CARD_PAGES[name]
    if name == "exports":
        add_export_to_list(live_server.app)
    if path.startswith("<"):
        path = demo_path(live_server.app, path.strip("<>"))
    page = as_user(account, path, **TOUCH)
    page.wait_for_load_state("networkidle")
    assert horizontal_overflow(page) <= 0, f"{name} is {horizontal_overflow(page)}px wider than a 360px screen"
    problems = page.locator(table).first.evaluate(CARD_PROBLEMS_JS)
    assert not problems, f"{name} on a 360px phone:\n  " + "\n  ".join(problems)
    small = page.evaluate(SMALL_TARGETS_JS, THUMB)
    assert not small, f"{len(small)} targets under {THUMB}x{THUMB} px on {name}:\n  " + "\n  ".join(small)
    violations = axe_violations(page)
    assert not violations, f"axe-core found on {name} at 360px:\n" + describe_violations(violations)
    screenshot(page, f"phone19-cards-{name}")


PIN_PROBE_JS = """region => {
  const table = region.querySelector('table'), head = table.tHead;
  const corner = head.rows[0].cells[0], other = head.rows[0].cells[1];
  const firstCell = table.tBodies[0].rows[Math.floor(table.tBodies[0].rows.length / 2)].cells[0];
  const box = el => el.getBoundingClientRect();
  return {tableTop: box(table).top, tableBottom: box(table).bottom, headHeight: box(head).height, cornerTop: box(corner).top,
          cornerLeft: box(corner).left, otherTop: box(other).top, otherLeft: box(other).left, firstLeft: box(firstCell).left,
          regionLeft: box(region).left, scrollLeft: region.scrollLeft, scrolls: region.scrollWidth > region.clientWidth};
}"""


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["360", "1366"])
@pytest.mark.parametrize("name", WIDE_REGIONS)
def test_a_wide_grids_header_row_stays_at_the_top_and_its_first_column_at_the_left_as_the_page_scrolls(as_user, live_server, name, viewport):
    """The equipment matrix and the clash grid stay tables: scrolled down the page, their header row stays on screen at
    the top; scrolled sideways in their region, the first column stays at the left (no vertical scroll box of their own)."""
    page = open_page(as_user, live_server, name, viewport=viewport)
    region = page.get_by_role("region", name=WIDE_REGIONS[name])
    region.scroll_into_view_if_needed()
    start = region.evaluate(PIN_PROBE_JS)
    # Scroll the page until the grid's top is half its body above the screen's top edge.
    down = start["tableTop"] + (start["tableBottom"] - start["tableTop"] - start["headHeight"]) / 2
    page.evaluate("y => window.scrollBy(0, y)", down)
    page.wait_for_timeout(100)  # a frame or two
    scrolled = region.evaluate(PIN_PROBE_JS)
    assert scrolled["tableTop"] < -10, "the grid's top is above the screen"
    assert abs(scrolled["cornerTop"]) < 1.5 and abs(scrolled["otherTop"]) < 1.5, f"the header row left the top of the screen: {scrolled}"
    if start["scrolls"]:
        region.evaluate("el => { el.scrollLeft = 300 }")
        page.wait_for_timeout(100)
        sideways = region.evaluate(PIN_PROBE_JS)
        assert abs(sideways["firstLeft"] - sideways["regionLeft"]) < 1.5 and abs(sideways["cornerLeft"] - sideways["regionLeft"]) < 1.5, \
            f"the first column left the region's left edge: {sideways}"
        assert sideways["scrollLeft"] > 0 and abs(sideways["otherLeft"] - (scrolled["otherLeft"] - sideways["scrollLeft"])) < 1.5, \
            "the other columns scroll sideways"
        assert abs(sideways["cornerTop"]) < 1.5, "and the header row stays at the top"
    screenshot(page, f"phone19-pinned-{name}-{viewport['width']}")
