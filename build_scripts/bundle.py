"""What goes into the distribution — shared by ``qledger.spec``, ``build.py`` and ``tests/build``.

* :func:`data_files` lists every file the program reads at run time: all of ``resources/``,
  ``db_schema.sql`` and the non-Python files inside the packages (``desktop_app/storage/steps/*.sql``),
  each at the same relative path as in the source tree, so :mod:`desktop_app.paths` and
  ``Path(__file__)`` find them from source and frozen alike (``sys._MEIPASS`` mirrors the checkout).
* :func:`keep_qt_file` decides which of the Qt files PyInstaller's hooks collected are kept: the
  modules the program imports and the libraries they link, the plugins a widgets program needs
  on Windows and Linux, and only the zh_CN ``qtbase`` translation.

Nothing here imports PyInstaller or Qt, so tests can use it without a build.
"""
from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
DIST_NAME = "QualityLedger"          # folder name of the distribution
CONSOLE_EXE = "qledger"              # command line, --self-test, scheduled backups (console)
WINDOWED_EXE = "QualityLedger"       # Windows only: the program people start (no console window)
COMPANY = "QualityLedger 项目组"
DESCRIPTION = "医疗质量安全台账"
PACKAGES = ("desktop_app", "ui")
PORTABLE_MARKER = "portable.txt"     # keep in step with desktop_app.paths.PORTABLE_MARKER

_JUNK = {"__pycache__", ".DS_Store", "Thumbs.db", "desktop.ini"}


def version(root: Path = ROOT) -> str:
    with open(root / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]["version"]


def version_tuple(text: str) -> tuple[int, int, int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", text)[:4]]
    return tuple(numbers + [0] * (4 - len(numbers)))  # type: ignore[return-value]


def _files(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not _JUNK.intersection(path.relative_to(folder).parts) and path.suffix not in (".pyc", ".pyo"):
            yield path


def data_files(root: Path = ROOT) -> list[tuple[str, str]]:
    """``(source file, destination folder)`` pairs, destination relative to the bundle root."""
    out: list[tuple[str, str]] = []
    for path in _files(root / "resources"):
        out.append((str(path), str(path.parent.relative_to(root).as_posix())))
    out.append((str(root / "db_schema.sql"), "."))
    for package in PACKAGES:
        for path in _files(root / package):
            if path.suffix != ".py":
                out.append((str(path), str(path.parent.relative_to(root).as_posix())))
    return out


def runtime_files(root: Path = ROOT) -> list[str]:
    """Every file the program needs at run time, relative to the checkout (what tests compare)."""
    needed = [p.relative_to(root).as_posix() for p in _files(root / "resources")]
    needed.append("db_schema.sql")
    for package in PACKAGES:
        needed += [p.relative_to(root).as_posix() for p in _files(root / package) if p.suffix != ".py"]
    return needed


# ----------------------------------------------------------------------------- Qt: what to keep

# plugin folder -> plugin names kept (file name without "lib", "d" debug suffix and extension)
QT_PLUGINS = {
    "platforms": {"qxcb", "qwindows", "qoffscreen"},  # offscreen: the self-test and headless use
    # The desktop portal for native file dialogs; not qgtk3, which would load the host's GTK 3 against the
    # GLib we bundle (and pull cairo, pango, atk … into the bundle).
    "platformthemes": {"qxdgdesktopportal"},
    "platforminputcontexts": {"composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"},  # 拼音输入法
    "xcbglintegrations": {"qxcb-glx-integration", "qxcb-egl-integration"},
    "imageformats": {"qsvg", "qico", "qjpeg"},  # icons; photos attached to ledger items
    "iconengines": {"qsvgicon"},
    "printsupport": {"cupsprintersupport"},  # printing on Linux (Windows printing is built in)
}
QT_TRANSLATIONS = {"qtbase_zh_CN.qm"}

# Qt libraries nothing of ours links or loads (PySide6's own hooks keep QtQml out already; these
# come in with plugins we drop, or as optional dependencies).
_UNUSED_QT_LIBS = re.compile(
    r"Qt6(Qml|Quick|Wayland|WlShell|EglFS|VirtualKeyboard|Designer|Help|UiTools|Test|Sql|Lottie|Labs|"
    r"Concurrent|Xml|3D|Multimedia|WebEngine|WebChannel|WebSockets|Positioning|Location|Charts|Graphs|"
    r"DataVisualization|Bluetooth|Nfc|Sensors|SerialPort|SerialBus|TextToSpeech|RemoteObjects|Scxml|"
    r"StateMachine|SpatialAudio|HttpServer|NetworkAuth|ShaderTools|OpenGLWidgets)",
    re.IGNORECASE,
)
# Linux: libraries taken from the system rather than from the build machine. The CUPS client talks to
# the system's print service, so it should be the system's own (with its configuration, Kerberos and
# TLS set-up); bundling it would also bring gnutls, krb5, avahi … (≈ 9 MB). Every Linux desktop that
# prints has libcups2; without it the program runs and exports PDFs, only the printer list is empty.
LINUX_SYSTEM_LIBS = {"libcups.so.2"}

# Python modules of the standard library and of dependencies that the program never uses.
EXCLUDED_MODULES = [
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "pydoc_data", "lib2to3", "test", "unittest",
    "doctest", "pdb", "xmlrpc", "ensurepip", "venv", "distutils", "setuptools", "pkg_resources", "pip",
    "pytest", "_pytest", "pytestqt", "pluggy", "pygments", "IPython", "numpy",
    # reportlab imports PIL.Image; none of our reports draws a picture, so Pillow's optional codecs
    # (AVIF, WebP, colour management, FreeType text, Tk, Qt) and the libraries they link stay out.
    "PIL._avif", "PIL._webp", "PIL._imagingcms", "PIL._imagingft", "PIL._imagingtk", "PIL._imagingmath",
    "PIL._imagingmorph", "PIL.ImageQt", "PIL.ImageTk", "PIL.ImageCms", "PIL.ImageFont", "PIL.ImageShow",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2",
    "PySide6.QtNetwork", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtSql", "PySide6.QtTest",
    "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtUiTools", "PySide6.QtXml", "PySide6.QtConcurrent",
    "PySide6.QtDBus", "PySide6.QtSvgWidgets", "PySide6.QtLabsStyleKit", "PySide6.QtQmlFeatures",
    "PySide6.QtQuickTest",
]


def _qt_relative(dest: str) -> PurePosixPath | None:
    """The part of a bundle path under PySide6's Qt folder (``plugins/…``, ``lib/…``), else None."""
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if not parts or parts[0] != "PySide6":
        return None
    rest = parts[1:]
    if rest and rest[0] == "Qt":  # Linux/macOS wheels: PySide6/Qt/{lib,plugins,translations}
        rest = rest[1:]
    return PurePosixPath(*rest) if rest else None


def _plugin_name(file_name: str) -> str:
    return file_name.split(".")[0].removeprefix("lib")


def keep_qt_file(dest: str) -> bool:
    """False for a collected file under PySide6 (or a link to a Qt library) the program does not need."""
    rel = _qt_relative(dest)
    if rel is None:
        name = PurePosixPath(dest.replace("\\", "/")).name
        return not (name.startswith(("libQt6", "Qt6")) and _UNUSED_QT_LIBS.search(name))
    parts = rel.parts
    if parts[0] == "translations":
        return rel.name in QT_TRANSLATIONS
    if parts[0] == "plugins":
        if len(parts) < 3:
            return False
        wanted = QT_PLUGINS.get(parts[1])
        return wanted is not None and _plugin_name(parts[-1]) in wanted
    if parts[0] in ("qml", "metatypes", "include", "typesystems", "glue", "doc", "scripts", "support", "libexec"):
        return False
    if rel.name.lower() in ("opengl32sw.dll", "d3dcompiler_47.dll"):  # software OpenGL for Qt Quick (Windows)
        return False
    return not _UNUSED_QT_LIBS.search(rel.name)


def platform_tag() -> str:
    import platform

    machine = platform.machine().lower().replace("amd64", "x86_64")
    return f"{'windows' if sys.platform == 'win32' else sys.platform}-{machine}"


def windows_version_text(text: str, *, original_filename: str, description: str = DESCRIPTION) -> str:
    """The Windows version resource (Explorer → 属性 → 详细信息) in PyInstaller's version-file format.

    A Python expression over ``PyInstaller.utils.win32.versioninfo`` (which imports only on Windows),
    so it is written as text here and read by PyInstaller when it builds on Windows.
    """
    numbers = version_tuple(text)
    strings = {
        "CompanyName": COMPANY,
        "FileDescription": description,
        "FileVersion": text,
        "InternalName": original_filename.rsplit(".", 1)[0],
        "LegalCopyright": f"© {COMPANY}",
        "OriginalFilename": original_filename,
        "ProductName": f"{DESCRIPTION}（QualityLedger）",
        "ProductVersion": text,
    }
    table = ",\n          ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    # 0804 = Chinese (PRC), 04B0 = code page 1200 (UTF-16): the language Explorer shows.
    return f"""# -*- coding: utf-8 -*-
VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers!r}, prodvers={numbers!r}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([
      StringTable('080404B0', [
          {table}])]),
    VarFileInfo([VarStruct('Translation', [0x0804, 1200])])
  ]
)
"""


def prune_unlinked(binaries: list, datas: list, needed) -> tuple[list, list, list[str]]:
    """Drop shared libraries that no kept binary links to (Linux).

    PyInstaller collects a plugin's dependencies when it analyses the plugin; leaving the plugin
    out afterwards (:func:`keep_qt_file`) leaves those libraries behind (GTK's cairo, pango … for
    the qgtk3 theme). The roots are the Python extension modules, the Qt plugins, the Python
    library and the bootloader's own needs; a library stays when a root links it, directly or
    through other kept libraries (``needed(source path)`` gives the names a binary links).
    Links (``SYMLINK`` entries) to dropped libraries go too. Returns (binaries, datas, dropped).
    """
    def is_root(entry) -> bool:
        dest, _source, kind = entry[:3]
        posix = dest.replace("\\", "/")
        return (kind == "EXTENSION" or "/plugins/" in posix or PurePosixPath(posix).name.startswith("libpython")
                or not re.search(r"\.so(\.|$)", posix))

    by_name: dict[str, list] = {}
    for entry in binaries:
        by_name.setdefault(PurePosixPath(entry[0].replace("\\", "/")).name, []).append(entry)
    kept_ids: set[int] = set()
    queue = [e for e in binaries if is_root(e)]
    while queue:
        entry = queue.pop()
        if id(entry) in kept_ids:
            continue
        kept_ids.add(id(entry))
        for name in needed(entry[1]):
            queue.extend(e for e in by_name.get(name, ()) if id(e) not in kept_ids)
    kept = [e for e in binaries if id(e) in kept_ids]
    dropped = [e[0] for e in binaries if id(e) not in kept_ids]
    kept_paths = {e[0].replace("\\", "/") for e in kept}
    kept_datas = [e for e in datas if e[2] != "SYMLINK" or e[1].replace("\\", "/") in kept_paths]
    dropped += [e[0] for e in datas if e not in kept_datas]
    return kept, kept_datas, dropped


def elf_needed(path: str) -> list[str] | None:
    """The libraries an ELF file links directly (``DT_NEEDED``), or None when it is not a 64-bit ELF.

    ``ldd`` (which PyInstaller uses) lists the whole closure, including what the *system's* copy of a
    left-out library would pull in; pruning needs the direct links only.
    """
    import struct

    with open(path, "rb") as fh:
        data = fh.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return None
    end = "<" if data[5] == 1 else ">"
    shoff, = struct.unpack_from(end + "Q", data, 0x28)
    shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A)
    sections = [struct.unpack_from(end + "IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    needed = []
    for _name, sh_type, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if sh_type != 6:  # SHT_DYNAMIC
            continue
        strtab_offset = sections[link][4]
        for pos in range(offset, offset + size, entsize or 16):
            tag, value = struct.unpack_from(end + "qQ", data, pos)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                start = strtab_offset + value
                needed.append(data[start:data.index(b"\0", start)].decode())
    return needed
