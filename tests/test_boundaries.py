"""Layering rules: core/ and capstone/ never import streamlit; pages never import torch."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("folder", ["core", "capstone"])
def test_pure_packages_never_import_streamlit(folder):
    files = list((ROOT / folder).rglob("*.py"))
    assert files or folder == "capstone"
    offenders = [f.name for f in files if "streamlit" in imported_modules(f)]
    assert not offenders, f"{folder}/ imports streamlit in {offenders}"


def test_no_eval_or_exec_in_app_code():
    for folder in ["core", "components", "app_pages"]:
        for f in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(f.read_text(encoding="utf-8"))
            calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
            assert not calls & {"eval", "exec", "compile"}, f


def test_chapter_pages_do_not_import_torch():
    """Render-time check: importing the app's modules for a chapter page loads no torch."""
    code = (
        "import sys; sys.path.insert(0, '.');"
        "import components.chapter, components.shell, components.practice, core.content, core.store;"
        "import runpy;"
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
    for page in (ROOT / "app_pages").glob("[0-9][0-9]_*.py"):
        assert "torch" not in imported_modules(page), page.name


def test_test_files_have_names_of_their_own():
    # the test folders are not packages, so pytest refuses to collect two files of one name
    names = [p.name for p in (ROOT / "tests").rglob("test_*.py")]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_no_bench_script_shadows_a_standard_module():
    # a script's folder comes first on the import path: bench/typing.py would replace `typing`
    clashes = [p.name for p in (ROOT / "bench").glob("*.py") if p.stem in sys.stdlib_module_names]
    assert clashes == []
