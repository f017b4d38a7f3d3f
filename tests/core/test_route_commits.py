"""A request commits once, through `saved()` (core/errors.py), which rolls back and shows a service's refusal. The
few routes that commit by hand are listed here, each saying why in its docstring; a new one fails this test."""

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_db

BLUEPRINTS = Path(__file__).resolve().parents[2] / "blueprints"
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}

# (module, function): each keeps a commit of its own, for the reason in its docstring.
HAND_COMMITS = {
    ("blueprints.auth.routes", "login"),  # a failed attempt's audit row is kept though the request fails
    ("blueprints.mentoring.routes.feedback", "feedback"),  # several refusals (form, rows, service) shown together
    ("blueprints.mentoring.routes.feedback", "feedback_autosave"),
    ("blueprints.mentoring.routes.feedback", "feedback_sign"),
    ("blueprints.visits.routes.visits", "attendance"),  # the service returns every refused row at once
}


def is_route(function: ast.FunctionDef) -> bool:
    return any(isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
               and decorator.func.attr in ROUTE_DECORATORS for decorator in function.decorator_list)


def is_commit(node: ast.AST) -> bool:
    """`db.session.commit()`."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
            and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "session")


def hand_commits():
    """(module, function, docstring) for every function in a route module that commits."""
    for path in sorted(BLUEPRINTS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
        if not any(is_route(function) for function in functions):
            continue
        module = ".".join(path.relative_to(BLUEPRINTS.parent).with_suffix("").parts).removesuffix(".__init__")
        for function in functions:
            if any(is_commit(node) for node in ast.walk(function)):
                yield module, function.name, ast.get_docstring(function) or ""


def test_routes_commit_through_saved_except_the_listed_ones():
    assert {(module, name) for module, name, _doc in hand_commits()} == HAND_COMMITS


def test_each_route_that_commits_by_hand_says_why_in_its_docstring():
    assert [f"{module}.{name}" for module, name, doc in hand_commits() if "Commits by hand" not in doc] == []


def test_the_check_sees_a_commit_in_a_route():
    tree = ast.parse("@bp.post('/x')\ndef x():\n    db.session.commit()\n")
    function = tree.body[0]
    assert is_route(function) and any(is_commit(node) for node in ast.walk(function))
