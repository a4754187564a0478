"""The package is plain Python: importing it pulls in no Django, so it runs anywhere."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def test_no_module_of_the_package_imports_django():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(name.split(".")[0] == "django" for name in names), path


def test_importing_and_evaluating_loads_no_django():
    code = (
        "import sys, datetime as dt\n"
        "from kretslopp.tendering import evaluate, library, ProcurementParameters\n"
        "library()\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parents[1])


def test_an_evaluation_leaves_the_cycle_collector_as_it_found_it():
    import gc

    from kretslopp.tendering import evaluate

    from .helpers import line, parameters

    assert gc.isenabled()
    evaluate(parameters(), [], [line()])
    assert gc.isenabled()
    gc.disable()
    try:
        evaluate(parameters(), [], [line()])
        assert not gc.isenabled()
    finally:
        gc.enable()
