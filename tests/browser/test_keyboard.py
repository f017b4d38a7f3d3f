"""Keyboard only: sign in with typing, Tab and Enter, reach every menu entry with Tab and Enter, and
always see where the focus is."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import ACCOUNTS, screenshot

MAX_TABS = 40

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || "").trim(),
    href: el.getAttribute("href"),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
  };
}"""


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def assert_focus_visible(element: dict) -> None:
    assert element["outlineStyle"] != "none" and element["outlineWidth"] > 0, f"no visible focus on {element}"


def tab_to(page: Page, text: str) -> dict:
    """Press Tab until the element showing `text` has the focus; fail if it never comes."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        if element["text"] == text:
            return element
        seen.append(element["text"] or element["tag"])
    raise AssertionError(f"{text!r} not reached with {MAX_TABS} Tabs; the focus went through {seen}")


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.role)
def test_keyboard_only_signs_in_reaches_every_menu_entry_and_signs_out(page: Page, base_url, account):
    page.goto("/login")
    expect(page.get_by_label("Username")).to_be_focused()  # autofocus: start typing at once
    page.keyboard.type(account.username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("mentorship-demo")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(account.home_heading)

    skip = tab_to(page, "Skip to content")  # the first stop on every page
    assert_focus_visible(skip)
    assert page.get_by_role("link", name="Skip to content").bounding_box()["x"] >= 0, "the skip link stays off screen"

    menu = page.get_by_role("navigation", name="Main").get_by_role("link")
    entries = [(link.inner_text(), link.get_attribute("href")) for link in menu.all()]
    assert entries, "no menu"
    for label, href in entries:
        assert_focus_visible(tab_to(page, label))
        page.keyboard.press("Enter")
        expect(page).to_have_url(base_url + href)
        expect(menu.filter(has_text=label)).to_have_attribute("aria-current", "page")

    assert_focus_visible(tab_to(page, page.get_by_role("banner").locator(".username").inner_text()))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")

    assert_focus_visible(tab_to(page, "Sign out"))
    screenshot(page, f"keyboard-{account.role}")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/login$"))
