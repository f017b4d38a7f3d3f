"""The arrows between the areas run one way, read from every module's imports (including those inside functions):
the kernel imports no area, an area imports only the areas below it on the ladder, and no import hides in a
function except the lazy loads kept for start-up time."""

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_db

BLUEPRINTS = Path(__file__).resolve().parents[2] / "blueprints"

# Lowest first: each area may import the kernel and the areas before it. reports sits below equipment because
# equipment renders its PDFs with reports' renderer; the modules directly under blueprints/ (commands, demo,
# defaults) assemble the areas and stand above them all.
LADDER = ("core", "auth", "people", "visits", "mentoring", "reports", "equipment", "dashboard")

# Imports left inside a function on purpose: each loads a heavy library only when it is used, not at every
# worker's start (module, imported module).
LAZY_IMPORTS = {
    ("blueprints.core.migrate", "flask_migrate"),  # Alembic: half a second, for `flask db` only
    ("blueprints.core.migrate", "flask_migrate.cli"),
    ("blueprints.reports.pdf", "weasyprint"),  # WeasyPrint and its fonts: for PDFs only
    ("blueprints.reports.pdf", "weasyprint.urls"),
    ("blueprints.reports.pdf", "weasyprint.text.fonts"),
    ("blueprints.reports.pdf", "cssselect2"),
    ("blueprints.reports.pdf", "pydyf"),  # WeasyPrint's PDF writer, for tagging a mixed-language PDF
    ("blueprints.visits.routes.calendar", "icalendar"),  # for calendar feeds only
    ("blueprints.commands", "blueprints.defaults"),  # default content and the demo programme: for their commands only
    ("blueprints.commands", "blueprints.demo"),
    ("blueprints.commands", "blueprints.people.demo"),
    ("blueprints.core.cli", "blueprints.core.backup"),  # backup, restore and check-deploy: for their commands only
    ("blueprints.core.cli", "blueprints.core.deploy"),
}


def modules():
    for path in sorted(BLUEPRINTS.rglob("*.py")):
        parts = path.relative_to(BLUEPRINTS.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = name if parts[-1] == "__init__" else name.rpartition(".")[0]
        yield name, package, ast.parse(path.read_text(encoding="utf-8"))


def imports(package: str, tree: ast.Module):
    """(imported module, line, inside a function) for each import; `from . import x` counts as importing `.x`."""
    inside = {id(node) for function in ast.walk(tree) if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
              for node in ast.walk(function) if node is not function}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, id(node) in inside
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] if not node.module else [base]
            for target in targets:
                yield target, node.lineno, id(node) in inside


def area_of(module: str) -> str | None:
    """The area a blueprints module belongs to; None for the assembling modules directly under blueprints/."""
    parts = module.split(".")
    if parts[0] != "blueprints" or len(parts) < 2:
        return None
    if parts[1] in LADDER:
        return parts[1]
    return None


def upward_imports():
    found = []
    for name, package, tree in modules():
        area = area_of(name)
        if area is None:
            continue
        for target, line, _ in imports(package, tree):
            other = area_of(target)
            if target.startswith("blueprints.") and other is None and target.split(".")[1] not in LADDER:
                found.append(f"{name}:{line} imports {target}, which assembles the areas")
            elif other is not None and LADDER.index(other) > LADDER.index(area):
                found.append(f"{name}:{line} imports {target}")
    return found


def test_the_kernel_imports_no_area_and_no_area_imports_one_above_it_on_the_ladder():
    assert upward_imports() == []


def test_the_kernel_imports_no_area():
    kernel = [f"{name}:{line} imports {target}" for name, package, tree in modules() if area_of(name) == "core"
              for target, line, _ in imports(package, tree) if target.startswith("blueprints.") and area_of(target) != "core"]
    assert kernel == []


def test_no_area_imports_the_dashboard():
    found = [f"{name}:{line}" for name, package, tree in modules() if area_of(name) not in (None, "dashboard")
             for target, line, _ in imports(package, tree) if area_of(target) == "dashboard"]
    assert found == []


def test_imports_inside_functions_are_only_the_lazy_loads_kept_for_start_up_time():
    found = [f"{name}:{line} imports {target}" for name, package, tree in modules()
             for target, line, inside in imports(package, tree) if inside and (name, target) not in LAZY_IMPORTS]
    assert found == []


def test_the_layer_check_sees_an_upward_import_inside_a_function():
    tree = ast.parse("def page():\n    from ..mentoring import queries\n")
    assert set(imports("blueprints.visits", tree)) == {("blueprints.mentoring", 2, True)}
