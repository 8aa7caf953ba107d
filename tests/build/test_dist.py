"""Build the distribution for this system with build_scripts/build.py and check the built program.

About two minutes on two cores (PyInstaller, the self-test with the practice hospital, the
start-up measurement, the archive), so it runs in CI (``CI`` set) or when ``QLEDGER_BUILD_DIST=1``;
``./dev.sh test`` installs PyInstaller (the ``build`` extra) for it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WANTED = bool(os.environ.get("CI") or os.environ.get("QLEDGER_BUILD_DIST"))
pytestmark = pytest.mark.skipif(not WANTED, reason="发布版构建测试（约 2 分钟）：CI 中运行，或设 QLEDGER_BUILD_DIST=1")

UNPACKED_BUDGET = 170_000_000  # bytes (issue 10: ≤ 170 MB unpacked on Linux)
STARTUP_TARGET_S = 2.0  # to a usable main window on two cores (issue 10)


def program_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "QLEDGER_HOME"}
    env.update(QT_QPA_PLATFORM="offscreen", **extra)
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    dist, work = tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("work")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build_scripts" / "build.py"), "--dist", str(dist), "--work", str(work),
         "--measure-startup"],
        cwd=ROOT, env=program_env(PYTHONIOENCODING="utf-8"), capture_output=True, text=True, encoding="utf-8",
        timeout=1800, check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    report = json.loads((work / "build-report.json").read_text(encoding="utf-8"))
    return dist / "QualityLedger", report, output


def test_the_build_passes_and_its_self_test_passes(built, capsys):
    _, report, output = built
    assert "自检结果 result：全部通过 ALL PASSED" in output
    assert "[失败 FAIL]" not in output
    for key in ("people", "ledger", "roster", "handover", "training", "surgery"):
        assert any(key in line and "通过 PASS" in line for line in output.splitlines()), key
    with capsys.disabled():
        start = report["startup"]
        print(f"\n发布版 {report['platform']}：构建 {report['build_s']} s，{report['files']} 个文件，"
              f"解压后 {report['unpacked_bytes'] / 1e6:.1f} MB，压缩包 {report['archive_bytes'] / 1e6:.1f} MB，"
              f"自检 {report['self_test_s']} s，启动到登录 {start['login_s']:.2f} s、到主窗口可用 {start['usable_s']:.2f} s")


def test_size_stays_within_the_budget(built):
    _, report, _ = built
    assert report["unpacked_bytes"] <= UNPACKED_BUDGET, f"{report['unpacked_bytes'] / 1e6:.1f} MB"
    archive = Path(report["archive"])
    assert archive.is_file() and archive.stat().st_size == report["archive_bytes"] < report["unpacked_bytes"]


def test_start_up_to_a_usable_window_is_quick(built):
    _, report, _ = built
    assert report["startup"]["usable_s"] <= STARTUP_TARGET_S, report["startup"]


def test_the_built_program_runs_portable_when_the_marker_is_beside_it(built, tmp_path):
    app, _, _ = built
    program = app / ("qledger.exe" if sys.platform == "win32" else "qledger")

    def info() -> dict:
        result = subprocess.run([str(program), "info"], env=program_env(XDG_DATA_HOME=str(tmp_path / "xdg")),
                                capture_output=True, text=True, encoding="utf-8", timeout=60, check=False)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    normal = info()
    assert normal["便携模式"] is False and normal["版本"] == __import__("desktop_app").__version__
    marker = app / "portable.txt"
    marker.write_text("", encoding="utf-8")
    try:
        portable = info()
        assert portable["便携模式"] is True
        assert Path(portable["数据文件夹"]) == (app / "data").resolve()
        assert Path(portable["备份文件夹"]) == (app / "data" / "backups").resolve()
    finally:
        marker.unlink()
        import shutil

        shutil.rmtree(app / "data", ignore_errors=True)
