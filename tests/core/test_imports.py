"""Any blueprint's models import first, in a fresh interpreter: scripts, the bench generator and the shell import
one area's models without the app, and a circular import between the core package and the auth models broke that."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODELS = sorted(f"blueprints.{path.parent.name}.models" for path in (ROOT / "blueprints").glob("*/models.py"))


@pytest.mark.no_db
@pytest.mark.parametrize("module", MODELS)
def test_a_blueprints_models_import_first_in_a_fresh_interpreter(module):
    result = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
