"""What the distribution holds (build_scripts/bundle.py, used by qledger.spec) — checked without a build."""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "build_scripts"))
import bundle


def bundled() -> dict[str, str]:
    """bundle path (posix, relative to the bundle root) -> source file, as the spec collects them."""
    out = {}
    for source, dest in bundle.data_files(ROOT):
        rel = (Path(dest) / Path(source).name).as_posix()
        out[rel.removeprefix("./")] = source
    return out


def test_every_resource_schema_and_upgrade_script_is_bundled_at_its_source_path():
    files = bundled()
    on_disk = [p for p in (ROOT / "resources").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    on_disk += [ROOT / "db_schema.sql", *sorted((ROOT / "desktop_app" / "storage" / "steps").glob("*.sql"))]
    assert len(on_disk) > 10
    missing = [p.relative_to(ROOT).as_posix() for p in on_disk if p.relative_to(ROOT).as_posix() not in files]
    assert missing == []
    for rel, source in files.items():
        assert Path(source) == ROOT / rel, rel  # same relative path frozen as from source
    assert not [rel for rel in files if rel.endswith((".py", ".pyc"))]


def test_the_spec_collects_the_shared_lists():
    spec = (ROOT / "build_scripts" / "qledger.spec").read_text(encoding="utf-8")
    assert "datas=bundle.data_files(ROOT)" in spec
    assert "excludes=bundle.EXCLUDED_MODULES" in spec
    assert "bundle.keep_qt_file" in spec
    assert "collect_submodules(package" in spec  # modules are imported by name (their manifests name their submodules)


def _literal_resource_paths() -> list[tuple[str, tuple[str, ...]]]:
    """Every resource_path(...) call in the program with its literal leading arguments."""
    found = []
    for path in list((ROOT / "desktop_app").rglob("*.py")) + list((ROOT / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "resource_path":
                parts = []
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        parts.append(arg.value)
                    else:
                        break
                found.append((path.relative_to(ROOT).as_posix(), tuple(parts)))
    return found


def test_every_resource_the_code_names_is_in_the_bundle():
    files = bundled()
    calls = _literal_resource_paths()
    assert len(calls) >= 5
    for where, parts in calls:
        if not parts:
            continue
        rel = "/".join(("resources", *parts))
        assert rel in files or any(f.startswith(rel + "/") for f in files), f"{where}: {rel} is not bundled"


@pytest.mark.parametrize("dest, kept", [
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/Qt/translations/qt_zh_CN.qm", False),
    ("PySide6/translations/qtbase_zh_CN.qm", True),  # Windows wheel layout
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/plugins/platforms/qwindows.dll", True),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
    ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
    ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
    ("PySide6/Qt/lib/libQt6Pdf.so.6", True),
    ("PySide6/Qt/lib/libQt6Network.so.6", True),  # QtPdf links it
    ("PySide6/Qt/lib/libQt6Qml.so.6", False),
    ("PySide6/Qt/lib/libQt6Quick.so.6", False),
    ("libQt6WaylandClient.so.6", False),
    ("PySide6/Qt6Quick.dll", False),
    ("PySide6/Qt6Widgets.dll", True),
    ("PySide6/opengl32sw.dll", False),
    ("PySide6/Qt/qml/QtQuick/Controls/qmldir", False),
    ("resources/fonts/NotoSansSC-Regular.ttf", True),
    ("libpython3.11.so.1.0", True),
])
def test_qt_files_kept_and_left_out(dest, kept):
    assert bundle.keep_qt_file(dest) is kept


def test_libraries_nothing_links_are_pruned_with_their_links():
    links = {"/src/_ext.so": ["libA.so.1"], "/src/libA.so.1": ["libB.so.2"], "/src/libB.so.2": [],
             "/src/libGtkOnly.so.0": ["libB.so.2"], "/src/plugin.so": ["libC.so.3"], "/src/libC.so.3": []}
    binaries = [("PySide6/_ext.so", "/src/_ext.so", "EXTENSION"), ("libA.so.1", "/src/libA.so.1", "BINARY"),
                ("libB.so.2", "/src/libB.so.2", "BINARY"), ("libGtkOnly.so.0", "/src/libGtkOnly.so.0", "BINARY"),
                ("PySide6/Qt/plugins/platforms/plugin.so", "/src/plugin.so", "BINARY"),
                ("PySide6/Qt/lib/libC.so.3", "/src/libC.so.3", "BINARY")]
    datas = [("libC.so.3", "PySide6/Qt/lib/libC.so.3", "SYMLINK"), ("libGtkOnly.so", "libGtkOnly.so.0", "SYMLINK"),
             ("resources/style.qss", "/src/style.qss", "DATA")]
    kept, kept_datas, dropped = bundle.prune_unlinked(binaries, datas, lambda path: links[path])
    assert [e[0] for e in kept] == ["PySide6/_ext.so", "libA.so.1", "libB.so.2", "PySide6/Qt/plugins/platforms/plugin.so",
                                   "PySide6/Qt/lib/libC.so.3"]
    assert [e[0] for e in kept_datas] == ["libC.so.3", "resources/style.qss"]
    assert sorted(dropped) == ["libGtkOnly.so", "libGtkOnly.so.0"]


def test_elf_needed_reads_the_direct_links_of_a_library():
    import _ctypes

    needed = bundle.elf_needed(_ctypes.__file__) if sys.platform.startswith("linux") else None
    if needed is None:
        pytest.skip("ELF only")
    assert any(name.startswith("libc.so") for name in needed) or needed == []
    assert bundle.elf_needed(str(ROOT / "README.md")) is None


def test_version_comes_from_pyproject_and_matches_the_package():
    import desktop_app

    assert bundle.version() == desktop_app.__version__
    assert bundle.version_tuple("0.1.0") == (0, 1, 0, 0)
    assert bundle.version_tuple("2.10") == (2, 10, 0, 0)


def test_windows_version_resource_names_the_program_in_chinese():
    """The text PyInstaller evaluates on Windows (its versioninfo module imports only there)."""
    text = bundle.windows_version_text("1.2.3", original_filename="QualityLedger.exe")
    assert text.startswith("# -*- coding: utf-8 -*-")  # PyInstaller decodes the file by its PEP 263 cookie
    made = {}

    def record(kind):
        def make(*args, **kwargs):
            made.setdefault(kind, []).append((args, kwargs))
            return kind
        return make

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo", "VarStruct")
    eval(compile(text, "version.txt", "eval"), {name: record(name) for name in names})
    strings = dict(args for args, _ in made["StringStruct"])
    assert strings["FileDescription"] == "医疗质量安全台账"
    assert strings["ProductVersion"] == strings["FileVersion"] == "1.2.3"
    assert strings["CompanyName"] and strings["OriginalFilename"] == "QualityLedger.exe"
    assert made["FixedFileInfo"][0][1]["filevers"] == (1, 2, 3, 0)
    assert made["StringTable"][0][0][0] == "080404B0"
    spec = (ROOT / "build_scripts" / "qledger.spec").read_text(encoding="utf-8")
    assert "version=version_file(name) if WINDOWS" in spec and "icon=str(ICON) if WINDOWS" in spec


def test_inno_setup_script_keeps_the_data_and_opens_it_to_all_users():
    data = (ROOT / "build_scripts" / "qledger.iss").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Inno Setup reads UTF-8 only with a BOM
    text = data.decode("utf-8-sig")
    assert f'#define AppExe "{bundle.WINDOWED_EXE}.exe"' in text
    assert f'#define ConsoleExe "{bundle.CONSOLE_EXE}.exe"' in text
    assert re.search(r'Name: "\{#DataDir\}"; Permissions: users-modify; Flags: uninsneveruninstall', text)
    assert '#define DataDir "{commonappdata}\\QualityLedger"' in text
    assert "*S-1-5-32-545:(OI)(CI)M" in text
    assert "OutputBaseFilename=QualityLedger-{#AppVersion}-setup" in text
    assert "{group}" in text and "{autodesktop}" in text and "--self-test" in text
    # The program's own idea of the data folder on Windows is the same folder.
    paths_src = (ROOT / "desktop_app" / "paths.py").read_text(encoding="utf-8")
    assert 'os.environ.get("PROGRAMDATA", r"C:\\ProgramData")) / APP_ID' in paths_src


def test_icon_is_drawn_from_the_svg_at_every_size(tmp_path):
    pytest.importorskip("PyInstaller")
    sys.path.insert(0, str(ROOT / "build_scripts"))
    import build
    from PIL import Image

    png, ico = build.make_icon(tmp_path)
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.instance() is None or type(QCoreApplication.instance()).__name__ == "QApplication"
    with Image.open(png) as image:
        assert image.size == (256, 256) and image.mode == "RGBA"
        assert image.getpixel((128, 128))[3] == 255 and image.getpixel((0, 0))[3] == 0  # drawn, corners clear
    with Image.open(ico) as icon:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(icon.info["sizes"])
