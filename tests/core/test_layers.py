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
