"""The one edit page: no view saves a stale-edit guarded form by hand any more."""

from __future__ import annotations

import ast
from pathlib import Path

import kretslopp

ROOT = Path(kretslopp.__file__).parent


def _functions_calling(name: str) -> set[str]:
    """``path:function`` of every non-test function that calls ``name``."""
    found = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for call in ast.walk(node):
                    if (
                        isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Attribute)
                        and call.func.attr == name
                    ):
                        found.add(f"{path.relative_to(ROOT).as_posix()}:{node.name}")
    return found


def test_only_the_edit_view_saves_a_guarded_form():
    # EditView.save, and the catalogue page, which saves the model and its labels together.
    assert _functions_calling("save_unless_changed") == {
        "core/editing.py:save",
        "inventory/views.py:save",
    }
