"""Issue 17, item 14: the Nu HTML Checker finds no error in any page or htmx fragment the app served during the
browser tests (the journeys, the accessibility list in its states with form errors), nor in the key fragments and
forms fetched here. conftest runs this test after every other browser test, so it sees all they opened; run
alone, it opens the accessibility list itself first.

The checker (vnu-jar, pinned in package.json) runs once over the folder of saved answers: `make html-checker`
installs it, and `make test` does so first.
"""

from blueprints.dashboard.tiles import HOME_TILES
from tests.browser.nu_checker import nu_errors
from tests.browser.support import demo_path, open_listed_page
from tests.browser.test_accessibility import PAGES
from tests.live import Client

HX = {"HX-Request": "true"}
SHOWN = 200  # errors listed in a failure (the rest are counted)
# account: paths fetched as plain pages, then paths fetched as htmx fragments ("<kind>" as in demo_path)
FETCHED = {
    "coordinator": (
        ["/visits/", "/visits/new", "/hospitals/", "/mentors/", "/teams/", "/skills/", "/reflections/support", "/settings/",
         "/equipment/catalogue", "/equipment/report", "/calendar/agenda", "<mentee>/mentoring", "<mentee>/assign",
         "/equipment/requests?status=all", "/equipment/requests/1", "/equipment/hospitals/1/items/1/requests/new"],
        ["/mentees/?q=a", "/equipment/requests?q=a&status=all", "/hospitals/?q=a", "/mentors/?q=a", "/visits/?status=held", "/calendar/?month=2026-01",
         "/equipment/?ward=neonatal_unit", "/audit/?kind=login", "/reports/exports", "<mentee>/mentoring",
         "/notifications/bell", *(f"/dashboard/tiles/{name}" for name in HOME_TILES["coordinator"])],
    ),
    "sysadmin": (["/users/new", "/audit/", "/deliveries/"], ["/users/?q=a", "/deliveries/?channel=sms&q=a"]),
    "admin.byumba": (["/mentees/new", "/mentees/import", "/reflections/support?status=all", "<mentee>/invite"],
                     ["/mentees/accounts?q=a", *(f"/dashboard/tiles/{name}" for name in HOME_TILES["hospital_admin"])]),
    "mentor.01": (["/offline"], [*(f"/dashboard/tiles/{name}" for name in HOME_TILES["mentor"])]),
}


def test_every_page_and_fragment_served_to_the_browser_is_valid_html(html_recorder, as_user, new_context, live_server):
    for name, entry in PAGES.items():
        if name not in html_recorder.opened:
            open_listed_page(html_recorder, as_user, new_context, live_server, name, entry)
    for username, (pages, fragments) in FETCHED.items():
        client = Client(live_server, username)
        for path, headers in [(path, {}) for path in pages] + [(path, HX) for path in fragments]:
            if path.startswith("<"):
                kind, _, rest = path[1:].partition(">")
                path = demo_path(live_server.app, kind) + rest
            answer = client.get(path, headers=headers)
            assert answer.status == 200, f"{username} GET {path}: {answer.status}"
    saved = sorted(html_recorder.folder.glob("*.html"))
    assert len(saved) >= len(PAGES), f"only {len(saved)} answers were saved"

    errors = nu_errors(html_recorder.folder)

    assert not errors, (f"the Nu HTML Checker found {len(errors)} errors in {len({e.file for e in errors})} of the {len(saved)} "
                        f"pages and fragments saved in {html_recorder.folder}:\n  "
                        + "\n  ".join(e.describe(html_recorder.sources) for e in errors[:SHOWN])
                        + (f"\n  ... and {len(errors) - SHOWN} more" if len(errors) > SHOWN else ""))
