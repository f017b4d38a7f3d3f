"""Every date input says its day in the reader's language next to it (issue 19, item 5): the browser writes a date
input in its own locale (often English, or a numeric 12/03/2026 read either way), whatever the page's language."""

import re

import pytest

from tests.factories import login, make_hospital, make_mentee, make_user

DATE_INPUT = re.compile(r"<input\b[^>]*\btype=\"date\"[^>]*>")


@pytest.mark.parametrize(("language", "said"), [("en", "5 Mar 2026"), ("fr", "5 mars 2026"), ("rw", "5 wer. 2026")])
def test_a_date_input_is_followed_by_its_day_in_the_readers_language(client, language, said):
    login(client, make_user("coordinator", language=language))
    page = client.get("/?from=2026-03-05&to=2026-06-10").get_data(as_text=True)
    assert re.search(r'<input type="date" id="from"[^>]*value="2026-03-05"[^>]*>(</label>)?\s*<output[^>]*for="from"[^>]*>'
                     + re.escape(said) + "</output>", page)


def test_every_date_input_on_the_coordinators_pages_is_followed_by_its_day(client):
    mentee = make_mentee(make_hospital())
    login(client, make_user("coordinator", language="fr"))
    seen = 0
    for path in ("/", "/reports/exports", f"/mentees/{mentee.id}", "/audit/?from=2026-01-02"):
        page = client.get(path).get_data(as_text=True)
        for match in DATE_INPUT.finditer(page):
            seen += 1
            following = page[match.end():].lstrip().removeprefix("</label>").lstrip()
            assert following.startswith('<output class="day-said'), f"{path}: {match.group(0)} says no day"
            value = re.search(r'value="(\d{4})-(\d\d)-(\d\d)"', match.group(0))
            if value:
                assert re.match(r'<output[^>]*>' + str(int(value.group(3))) + r" \S+ " + value.group(1) + "</output>", following)
    assert seen >= 6
