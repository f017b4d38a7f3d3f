"""After `mutmut run` (make mutate): the figures per rule and every surviving mutant with its file, line and change.

Usage: python scripts/mutation_report.py GLOB... (the mutant-name globs given to mutmut run). Reads mutants/*.meta.
"""

import fnmatch
import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code


def results(globs: list[str]) -> dict[str, tuple[str, int | None]]:
    """mutant name -> (status, duration) for the mutants the globs name."""
    found = {}
    for meta in sorted(Path("mutants").rglob("*.py.meta")):
        data = json.loads(meta.read_text())
        for name, code in data.get("exit_code_by_key", {}).items():
            if any(fnmatch.fnmatch(name, g) for g in globs):
                found[name] = (status_by_exit_code[code], data.get("durations_by_key", {}).get(name))
    return found


def source_line(mutant: str, diff: str) -> tuple[str, int | None, str, str]:
    """The source file, the line of the first changed line, and the removed and added text."""
    module, _, rest = mutant.rpartition(".x")
    path = Path(module.replace(".", "/") + ".py")
    removed = [line[1:].strip() for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    function = rest.split("__mutmut_")[0].split("ǁ")[-1].lstrip("_") if "ǁ" in rest else rest.split("__mutmut_")[0][1:]
    lines = path.read_text().splitlines()
    start = next((n for n, text in enumerate(lines) if text.lstrip().startswith(f"def {function}(")), 0)
    number = None
    if removed:
        number = next((n + 1 for n in range(start, len(lines)) if lines[n].strip() == removed[0]), None)
    return str(path), number, " / ".join(removed), " / ".join(added)


def main(globs: list[str]) -> int:
    found = results(globs)
    if not found:
        print("No mutant results under mutants/: run `make mutate` first.")
        return 1
    by_glob = {g: Counter(status for name, (status, _d) in found.items() if fnmatch.fnmatch(name, g)) for g in globs}
    total = Counter(status for status, _d in found.values())
    print("\n| functions mutated | mutants | killed | survived | no tests | timeout | other |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for g, counts in [*by_glob.items(), ("all", total)]:
        other = sum(counts.values()) - sum(counts[s] for s in ("killed", "survived", "no tests", "timeout"))
        print(f"| `{g}` | {sum(counts.values())} | {counts['killed']} | {counts['survived']} | {counts['no tests']} "
              f"| {counts['timeout']} | {other} |")
    print("\nNot killed (survived, no tests, timeout):")
    for name in sorted(found):
        status = found[name][0]
        if status == "killed":
            continue
        path, line, removed, added = source_line(name, get_diff_for_mutant(name))
        print(f"- {status}: {path}:{line or '?'} `{removed}` -> `{added}`  ({name})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
