"""The watch every browser test relies on: it sees CSP violations, page errors, failed requests and
error responses, and lets a form's 422 through. (A watch that saw nothing would pass every test.)"""

from playwright.sync_api import Browser, expect

from tests.browser.conftest import BrowserLog


def test_browser_log_reports_csp_violations_page_errors_failed_requests_and_http_errors_but_not_422(
    browser: Browser, browser_context_args
):
    log = BrowserLog()
    # Not the watched factory: these problems are on purpose. No service worker: page.route never sees the requests a
    # worker answers, and the offline app's worker would serve app.js from its cache.
    context = browser.new_context(**{**browser_context_args, "service_workers": "block"})
    try:
        log.watch(context)
        page = context.new_page()
        page.goto("/login")

        page.get_by_role("button", name="Sign in").click()  # an empty form: 422 with the errors
        expect(page.get_by_label("Username")).to_have_attribute("aria-invalid", "true")
        assert log.problems == [], "a form answered with 422 is not a problem"

        with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
            page.evaluate("""() => {
              const script = document.createElement("script");
              script.textContent = "window.inlineScriptRan = true";
              document.body.append(script);
            }""")
        assert page.evaluate("() => window.inlineScriptRan") is None, "the CSP let an inline script run"

        with page.expect_event("pageerror"):
            page.evaluate("() => { setTimeout(() => { throw new Error('broken on purpose') }) }")

        with page.expect_response("**/no-such-page"):
            page.evaluate("() => fetch('/no-such-page')")

        page.route("**/static/js/app.js", lambda route: route.abort())
        with page.expect_event("requestfailed"):
            page.reload()
    finally:
        context.close()

    problems = "\n".join(log.problems)
    assert "Content Security Policy directive 'script-src 'self''" in problems
    assert "uncaught page error: " in problems and "broken on purpose" in problems
    assert "HTTP 404: GET " in problems
    assert "request failed: GET " in problems and "/static/js/app.js" in problems
    assert not any(line.startswith("HTTP 422") or "status of 422" in line for line in log.problems)
