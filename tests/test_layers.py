"""SignMe's apps depend in one direction: the contract in pyproject.toml
lists the layers, and an import that runs upward fails here, as does an
import hidden inside a function to dodge a cycle."""

import ast
from pathlib import Path

from importlinter.application.use_cases import lint_imports
from importlinter.configuration import configure

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "signme"


def test_no_import_runs_upward(capsys):
    configure()
    kept = lint_imports(str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True)
    report = capsys.readouterr().out
    assert kept, report
    assert "1 kept, 0 broken" in report  # the layers contract was read and checked


def _imports_inside_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.ImportFrom) and (
                node.level > 0 or (node.module or "").startswith("signme")
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            elif isinstance(node, ast.Import) and any(
                a.name.startswith("signme") for a in node.names
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_signme_import_hides_inside_a_function():
    hidden = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            hidden += _imports_inside_functions(path)
    assert hidden == []


def test_the_function_import_check_can_fail(tmp_path):
    sample = ROOT / "signme" / "_layer_probe.py"
    try:
        sample.write_text("def f():\n    from signme.web import demo\n", encoding="utf-8")
        assert _imports_inside_functions(sample) == ["signme/_layer_probe.py:2"]
    finally:
        sample.unlink()
