"""The core must be usable without Qt: importing any of it never loads PySide6."""
import pkgutil
import subprocess
import sys

import desktop_app


def test_core_never_imports_qt():
    modules = [m.name for m in pkgutil.walk_packages(desktop_app.__path__, "desktop_app.")
               if not m.name.endswith("__main__")]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "from desktop_app.cli import build_parser; build_parser()\n"
        "bad = [m for m in sys.modules if m.startswith('PySide6') or m == 'ui' or m.startswith('ui.')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(modules) > 10


def test_interface_holds_no_sql():
    """ui/ asks the services; it never talks to the database itself (no SQL, no sqlite3, no execute)."""
    import re
    from pathlib import Path

    sql = re.compile(r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b|\.execute\(|\bimport sqlite3\b"
                     r"|\.query(_one)?\(|\.scalar\(")
    root = Path(__file__).resolve().parents[2] / "ui"
    offenders = [f"{path.relative_to(root.parent)}:{n}: {line.strip()}"
                 for path in sorted(root.rglob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if sql.search(line)]
    assert offenders == []


def test_domains_print_through_the_kit_and_the_kit_knows_no_domain():
    """Only desktop_app/reports/ imports reportlab; the kit imports nothing of the domains (people's
    lists live in people/reports.py, the roster's grids in roster/reports.py …)."""
    import re
    from pathlib import Path

    root = Path(desktop_app.__file__).parent
    reportlab = re.compile(r"^\s*(from|import)\s+reportlab\b", re.M)
    printing = [p.relative_to(root).as_posix() for p in sorted(root.rglob("*.py"))
                if p.parent.name != "reports" or p.parent.parent != root
                if reportlab.search(p.read_text(encoding="utf-8"))]
    assert printing == []
    domain = re.compile(r"^\s*(from|import)\s+desktop_app\.(?!reports\b|errors\b|paths\b)\w+", re.M)
    kit = [p.name for p in sorted((root / "reports").glob("*.py")) if domain.search(p.read_text(encoding="utf-8"))]
    assert kit == []
