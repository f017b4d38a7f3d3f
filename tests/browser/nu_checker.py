"""The Nu HTML Checker over every page and htmx fragment the live app served during the browser tests.

`HtmlRecorder.after_request` (registered on the live app by conftest) saves each HTML answer once (by
content) into a folder, fragments wrapped in a minimal document at the same line numbers; `nu_errors` then
runs the checker (vnu-jar from package.json, on the machine's Java: `make html-checker`) once over the
folder, because each start of the JVM costs seconds.
"""

import hashlib
import itertools
import json
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Request, Response

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "`make html-checker` installs it (npm ci for vnu-jar; Debian's default-jre-headless as root)"

# A fragment is checked inside the element htmx swaps it into, on the fragment's own first line, so the
# checker's line numbers are the fragment's.
DOCUMENT = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fragment</title></head><body>'
CONTAINERS = {"tr": ("<table><tbody>", "</tbody></table>"), "tbody": ("<table>", "</table>"),
              "li": ("<ul>", "</ul>"), "option": ("<select>", "</select>")}
FIRST_TAG = re.compile(r"\s*<([a-zA-Z][a-zA-Z0-9-]*)")


def as_document(html: str) -> str:
    """The answer as a whole document: a page as it is, a fragment inside a minimal one."""
    if html.lstrip()[:9].lower() == "<!doctype":
        return html
    first = FIRST_TAG.match(html)
    before, after = CONTAINERS.get(first.group(1).lower() if first else "", ("", ""))
    return f"{DOCUMENT}{before}{html}{after}</body></html>"


class HtmlRecorder:
    """Saves every distinct HTML answer of the live app (any status) as a numbered file, with what asked for it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sources: dict[str, str] = {}  # file name -> "GET /path (fragment, 200)"
        self.opened: set[str] = set()  # names of the listed pages (test_accessibility.PAGES) opened in this run
        self._seen: set[bytes] = set()
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def after_request(self, response: Response) -> Response:
        from flask import request

        if response.mimetype == "text/html" and not (response.direct_passthrough or response.is_streamed):
            self.save(request, response)
        return response

    def save(self, request: Request, response: Response) -> None:
        html = response.get_data(as_text=True)
        if not html.strip():
            return
        digest = hashlib.sha256(html.encode()).digest()
        fragment = request.headers.get("HX-Request") == "true" and not html.lstrip()[:9].lower() == "<!doctype"
        with self._lock:
            if digest in self._seen:
                return
            self._seen.add(digest)
            name = f"{next(self._numbers):04d}-{request.endpoint or 'unknown'}{'-fragment' if fragment else ''}.html"
        (self.folder / name).write_text(as_document(html), encoding="utf-8")
        self.sources[name] = f"{request.method} {request.full_path.rstrip('?')} ({'fragment, ' if fragment else ''}{response.status_code})"


@dataclass(frozen=True)
class NuMessage:
    file: str
    line: int | None
    message: str
    extract: str

    def describe(self, sources: dict[str, str]) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}  [{sources.get(self.file, '?')}]  near: {self.extract.strip()[:100]!r}"


def nu_errors(folder: Path) -> list[NuMessage]:
    """The checker's errors (not its warnings) over every .html file in the folder, in one run of the JVM."""
    java = shutil.which("java")
    if not java or not VNU_JAR.exists():
        missing = "Java" if not java else str(VNU_JAR.relative_to(ROOT))
        raise RuntimeError(f"the Nu HTML Checker needs {missing}: {INSTALL_HINT}")
    # The checker overflows a 512 KiB thread stack (its README's advice) on this Java; C1 alone halves the start-up CPU.
    run = subprocess.run([java, "-Xss4m", "-XX:TieredStopAtLevel=1", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", str(folder)],
                         capture_output=True, text=True, timeout=600, check=False)
    try:
        report = json.loads(run.stderr or run.stdout)
    except json.JSONDecodeError as error:
        raise RuntimeError(f"the Nu HTML Checker did not answer in JSON (exit {run.returncode}): {run.stderr[-2000:]}") from error
    return [NuMessage(Path(m.get("url", "")).name, m.get("lastLine"), m.get("message", ""), m.get("extract", ""))
            for m in report["messages"] if m.get("type") != "info"]
