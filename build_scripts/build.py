"""Build the one-folder distribution for this system, check it and run its self-test.

    python build_scripts/build.py                    # → dist/QualityLedger/, the archive (and on Windows
                                                     #   the installer when Inno Setup 6 is installed)
    python build_scripts/build.py --measure-startup  # also time the built program's start-up

Runs on Windows 10/11 (python.org Python 3.11) and Linux with the project installed with its
build tools (``pip install -e .[build]``; ``dev.sh``/``dev.cmd`` do this). Steps:

1. the version from ``pyproject.toml`` (must equal ``desktop_app.__version__``);
2. the icon: ``resources/icons/app.svg`` drawn by Qt at 16–256 px into ``build/icon/app.png``
   and ``app.ico`` (Pillow writes the .ico);
3. PyInstaller with ``build_scripts/qledger.spec`` (what goes in: ``build_scripts/bundle.py``);
4. checks of the folder: every resource, schema and upgrade script present and identical to the
   source; no Qt translation but zh_CN; no QtQml/QtQuick; every Qt library a bundled binary
   links is bundled;
5. the built program's ``--self-test`` (offscreen): the build fails when it fails;
6. the archive (``.tar.gz`` on Linux, ``.zip`` on Windows) — the same folder, for a USB stick;
7. Windows: the installer from ``build_scripts/qledger.iss`` when Inno Setup 6's ``ISCC.exe`` is
   found (``--installer yes`` makes a missing Inno Setup an error, ``no`` skips it);
8. optionally the start-up time (``QLEDGER_STARTUP_PROBE``, as ``tests/bench/bench.py``).

It prints the figures (build time, unpacked and compressed size, self-test time, start-up) and
writes them to ``build/build-report.json``. Exit code 0 only when everything passed.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bundle

ROOT = bundle.ROOT
WINDOWS = sys.platform == "win32"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)


class BuildFailed(Exception):
    pass


def say(text: str) -> None:
    print(text, flush=True)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


# ----------------------------------------------------------------------------- steps


def check_version() -> str:
    version = bundle.version()
    sys.path.insert(0, str(ROOT))
    import desktop_app

    if desktop_app.__version__ != version:
        raise BuildFailed(f"版本不一致：pyproject.toml 为 {version}，desktop_app/__init__.py 为 "
                          f"{desktop_app.__version__}。请把两处改成同一个版本号。")
    return version


def make_icon(out: Path) -> tuple[Path, Path]:
    """``app.png`` (256 px) and a multi-size ``app.ico`` from the SVG, drawn by Qt (no downloads).

    Painting shapes on a QImage needs no QGuiApplication (only text would), so none is made: a
    caller such as a test process keeps its own QApplication.
    """
    from PIL import Image
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(ROOT / "resources" / "icons" / "app.svg"))
    if not renderer.isValid():
        raise BuildFailed("resources/icons/app.svg 无法读取")
    out.mkdir(parents=True, exist_ok=True)
    frames = []
    for size in ICO_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        frames.append(Image.open(io.BytesIO(bytes(data))).convert("RGBA"))
    png, ico = out / "app.png", out / "app.ico"
    frames[-1].save(png)
    # Pillow writes each size from the frame of that size when they are given as append_images.
    frames[-1].save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=frames[:-1])
    return png, ico


def run_pyinstaller(dist: Path, work: Path, icon_dir: Path, clean: bool) -> None:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work), str(HERE / "qledger.spec")]
    if clean:
        command.insert(3, "--clean")
    env = dict(os.environ, QLEDGER_ICON_DIR=str(icon_dir))
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        raise BuildFailed(f"PyInstaller 失败（退出码 {result.returncode}）")


def internal_dir(app_dir: Path) -> Path:
    return app_dir / "_internal"


def check_bundle(app_dir: Path) -> list[str]:
    """What the folder must and must not hold; returns the problems (empty when fine)."""
    problems = []
    inside = internal_dir(app_dir)
    for rel in bundle.runtime_files(ROOT):
        target = inside / rel
        if not target.is_file():
            problems.append(f"缺少 {rel}")
        elif target.read_bytes() != (ROOT / rel).read_bytes():
            problems.append(f"{rel} 与源文件不同")
    qt = next((p for p in (inside / "PySide6" / "Qt", inside / "PySide6") if (p / "translations").is_dir()), None)
    translations = sorted(p.name for p in (qt / "translations").glob("*")) if qt else []
    if translations != sorted(bundle.QT_TRANSLATIONS):
        problems.append(f"Qt 翻译应只有 {sorted(bundle.QT_TRANSLATIONS)}，实际：{translations[:10]}")
    for path in inside.rglob("*"):
        name = path.name
        if path.is_file() and not bundle.keep_qt_file(path.relative_to(inside).as_posix()):
            problems.append(f"不需要的 Qt 文件：{path.relative_to(inside)}")
        if "Qml" in name or "Quick" in name:
            problems.append(f"不需要的 Qt 模块：{path.relative_to(inside)}")
    problems += check_qt_links(inside)
    program = app_dir / (bundle.CONSOLE_EXE + (".exe" if WINDOWS else ""))
    if not program.is_file():
        problems.append(f"缺少程序 {program.name}")
    if WINDOWS and not (app_dir / f"{bundle.WINDOWED_EXE}.exe").is_file():
        problems.append(f"缺少程序 {bundle.WINDOWED_EXE}.exe")
    return problems


def check_qt_links(inside: Path) -> list[str]:
    """Every Qt library that a bundled binary links must be in the bundle."""
    from PyInstaller.depend.bindepend import get_imports

    suffixes = (".dll", ".pyd") if WINDOWS else (".so",)
    names = {p.name.lower() for p in inside.rglob("*")}
    problems = []
    for path in inside.rglob("*"):
        if not path.is_file() or path.is_symlink() or not (path.suffix in suffixes or ".so." in path.name):
            continue
        try:
            imports = get_imports(str(path))
        except Exception:  # noqa: BLE001, S112 - not a binary PyInstaller can read: nothing to check
            continue
        for name, _full in imports:
            base = Path(name).name
            if base.lower().startswith(("libqt6", "qt6")) and base.lower() not in names:
                problems.append(f"{path.relative_to(inside)} 需要 {base}，但它不在程序文件夹中")
    return problems


def run_self_test(program: Path) -> float:
    say(f"==> 运行自检：{program.name} --self-test")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), PYTHONIOENCODING="utf-8")
    env.pop("QLEDGER_HOME", None)
    started = time.perf_counter()
    command = [str(program), "selftest"]
    try:
        result = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900,
                                check=False)
    except subprocess.TimeoutExpired as exc:
        raise BuildFailed(f"构建出的程序自检 15 分钟没有结束：\n{(exc.stdout or b'').decode('utf-8', 'replace')}") from exc
    output = result.stdout.decode("utf-8", errors="replace")
    for line in output.splitlines():
        if "propagateSizeHints" not in line:  # the offscreen plugin's harmless chatter
            say("    " + line)
    if result.returncode != 0:
        raise BuildFailed(f"构建出的程序自检失败（退出码 {result.returncode}）")
    return time.perf_counter() - started


def measure_startup(program: Path, runs: int) -> dict[str, float]:
    """Median seconds from process start to the login dialog and to the usable main window."""
    home = Path(tempfile.mkdtemp(prefix="qledger-startup-"))
    try:
        env = dict(os.environ, QLEDGER_HOME=str(home), QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        db = home / "demo.db"
        subprocess.run([str(program), "demo", "--db", str(db)], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        login, usable = [], []
        for _ in range(runs):
            probe = home / "probe.jsonl"
            probe.unlink(missing_ok=True)
            run_env = dict(env, QLEDGER_STARTUP_PROBE=str(probe), QLEDGER_PROBE_LOGIN="admin:Admin2026")
            t0 = time.time()
            subprocess.run([str(program), "gui", "--db", str(db)], env=run_env, check=True, timeout=120,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            events = {e["event"]: e["t"] for e in map(json.loads, probe.read_text().splitlines())}
            login.append(events["login_shown"] - t0)
            usable.append(events["main_window_usable"] - t0)
        return {"login_s": statistics.median(login), "usable_s": statistics.median(usable), "runs": runs}
    finally:
        shutil.rmtree(home, ignore_errors=True)


def make_archive(app_dir: Path, version: str) -> Path:
    base = app_dir.parent / f"{bundle.DIST_NAME}-{version}-{bundle.platform_tag()}"
    if WINDOWS:
        target = base.with_suffix(".zip")
        target.unlink(missing_ok=True)
        return Path(shutil.make_archive(str(base), "zip", app_dir.parent, app_dir.name))
    target = Path(str(base) + ".tar.gz")
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(app_dir, arcname=app_dir.name)
    return target


def find_iscc() -> Path | None:
    found = shutil.which("ISCC") or shutil.which("iscc")
    if found:
        return Path(found)
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles"), os.environ.get("LOCALAPPDATA")):
        for sub in ("Inno Setup 6", r"Programs\Inno Setup 6"):
            candidate = Path(base or "") / sub / "ISCC.exe"
            if base and candidate.is_file():
                return candidate
    return None


def make_installer(app_dir: Path, version: str, icon: Path) -> Path:
    iscc = find_iscc()
    if iscc is None:
        raise BuildFailed("找不到 Inno Setup 6 的 ISCC.exe。请安装 Inno Setup 6（jrsoftware.org，离线安装包即可），"
                          "或把 ISCC.exe 所在文件夹加入 PATH。")
    command = [str(iscc), f"/DAppVersion={version}", f"/DSourceDir={app_dir}", f"/DOutputDir={app_dir.parent}",
               f"/DIconFile={icon}", str(HERE / "qledger.iss")]
    result = subprocess.run(command, check=False)
    if result.returncode != 0:
        raise BuildFailed(f"Inno Setup 失败（退出码 {result.returncode}）")
    return app_dir.parent / f"{bundle.DIST_NAME}-{version}-setup.exe"


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="构建本系统的单文件夹发布版，检查并运行自检。")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="输出文件夹（默认 dist/）")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="中间文件夹（默认 build/）")
    parser.add_argument("--clean", action="store_true", help="不使用 PyInstaller 的缓存，从头构建")
    parser.add_argument("--skip-self-test", action="store_true", help="不运行自检（仅供排查构建问题）")
    parser.add_argument("--no-archive", action="store_true", help="不打包 .tar.gz/.zip")
    parser.add_argument("--measure-startup", action="store_true", help="测量构建出的程序启动到主窗口可用的时间")
    parser.add_argument("--installer", choices=("auto", "yes", "no"), default="auto",
                        help="Windows：用 Inno Setup 6 生成安装程序（auto：找到 ISCC.exe 时生成，默认）")
    args = parser.parse_args(argv)

    report: dict = {"platform": bundle.platform_tag(), "python": sys.version.split()[0]}
    try:
        report["version"] = version = check_version()
        say(f"==> 医疗质量安全台账 {version}：构建 {bundle.platform_tag()} 发布版（Python {report['python']}）")
        if WINDOWS and sys.version_info[:2] != (3, 11):
            say("    提示：Windows 发布版按 python.org 的 Python 3.11 测试与说明；当前为 " + report["python"])
        icon_dir = args.work / "icon"
        _png, ico = make_icon(icon_dir)
        say(f"==> 图标：{ico}")
        started = time.perf_counter()
        run_pyinstaller(args.dist, args.work / "pyinstaller", icon_dir, args.clean)
        report["build_s"] = round(time.perf_counter() - started, 1)
        app_dir = args.dist / bundle.DIST_NAME
        say(f"==> PyInstaller 完成：{app_dir}（{report['build_s']} s）")
        problems = check_bundle(app_dir)
        if problems:
            raise BuildFailed("程序文件夹检查未通过：\n  " + "\n  ".join(problems[:40]))
        report["unpacked_bytes"] = folder_size(app_dir)
        report["files"] = sum(1 for p in app_dir.rglob("*") if p.is_file())
        say(f"==> 程序文件夹检查通过：{report['files']} 个文件，{mb(report['unpacked_bytes'])}")
        program = app_dir / (bundle.CONSOLE_EXE + (".exe" if WINDOWS else ""))
        if not args.skip_self_test:
            report["self_test_s"] = round(run_self_test(program), 1)
        if args.measure_startup:
            report["startup"] = measure_startup(program, runs=3)
            say(f"==> 启动时间（3 次中位数）：登录窗口 {report['startup']['login_s']:.2f} s，"
                f"主窗口可用 {report['startup']['usable_s']:.2f} s")
        if not args.no_archive:
            started = time.perf_counter()
            archive = make_archive(app_dir, version)
            report["archive"] = str(archive)
            report["archive_bytes"] = archive.stat().st_size
            say(f"==> 压缩包：{archive}（{mb(report['archive_bytes'])}，{time.perf_counter() - started:.1f} s）")
        if args.installer == "yes" and not WINDOWS:
            raise BuildFailed("安装程序只能在 Windows 上用 Inno Setup 生成。")
        if WINDOWS and args.installer == "auto" and find_iscc() is None:
            say("==> 没有找到 Inno Setup 6（ISCC.exe），未生成安装程序；压缩包可直接使用。")
        elif WINDOWS and args.installer != "no":
            installer = make_installer(app_dir, version, ico)
            report["installer"] = str(installer)
            say(f"==> 安装程序：{installer}")
    except BuildFailed as exc:
        say(f"构建失败：{exc}")
        report["error"] = str(exc)
        _write_report(args.work, report)
        return 1
    _write_report(args.work, report)
    say(f"==> 完成：{app_dir}（{mb(report['unpacked_bytes'])}）")
    return 0


def _write_report(work: Path, report: dict) -> None:
    work.mkdir(parents=True, exist_ok=True)
    (work / "build-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
