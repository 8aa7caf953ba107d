"""Where the built program finds its files and keeps its data (desktop_app.paths), frozen and portable."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from desktop_app import errors, paths


@pytest.fixture
def frozen(tmp_path, monkeypatch):
    """Pretend to be the PyInstaller build in tmp/E/QualityLedger (the program and its _internal folder)."""
    app = tmp_path / "E" / "QualityLedger"
    internal = app / "_internal"
    (internal / "resources" / "fonts").mkdir(parents=True)
    (internal / "db_schema.sql").write_text("PRAGMA user_version = 1;", encoding="utf-8")
    exe = app / ("qledger.exe" if sys.platform == "win32" else "qledger")
    exe.write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(internal), raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    monkeypatch.delenv("QLEDGER_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PROGRAMDATA", str(tmp_path / "ProgramData"))
    return app


def machine_folder(tmp_path: Path) -> Path:
    return (tmp_path / "ProgramData" if sys.platform == "win32" else tmp_path / "xdg") / "QualityLedger"


def test_frozen_resources_come_from_the_bundle_and_data_from_the_machine_folder(frozen, tmp_path):
    assert paths.install_root() == frozen / "_internal"
    assert paths.resource_path("fonts", "NotoSansSC-Regular.ttf") == frozen / "_internal" / "resources" / "fonts" / "NotoSansSC-Regular.ttf"
    assert paths.schema_path().read_text(encoding="utf-8").startswith("PRAGMA")
    assert paths.program_dir() == frozen.resolve()
    assert not paths.is_portable()
    assert paths.data_dir() == machine_folder(tmp_path)
    assert paths.default_db_path() == machine_folder(tmp_path) / "qledger.db"
    assert not (frozen / "data").exists()


@pytest.mark.parametrize("marker", ["portable.txt", "portable.txt.txt", "portable"])
def test_a_marker_beside_the_program_keeps_data_backups_and_logs_beside_it(frozen, tmp_path, marker):
    (frozen / marker).write_text("", encoding="utf-8")
    assert paths.is_portable()
    data = frozen.resolve() / "data"
    assert paths.data_dir() == data
    assert paths.default_db_path() == data / "qledger.db"
    assert paths.backup_dir(paths.default_db_path()) == data / "backups"
    assert paths.log_dir() == data / "logs" and (data / "logs").is_dir()
    assert paths.config_path() == data / "config.json"
    assert not machine_folder(tmp_path).exists()


def test_qledger_home_overrides_portable_mode(frozen, tmp_path, monkeypatch):
    (frozen / "portable.txt").write_text("", encoding="utf-8")
    monkeypatch.setenv("QLEDGER_HOME", str(tmp_path / "home"))
    assert paths.data_dir() == tmp_path / "home"


def test_a_portable_database_is_remembered_relative_so_another_drive_letter_still_finds_it(frozen, tmp_path, monkeypatch):
    (frozen / "portable.txt").write_text("", encoding="utf-8")
    chosen = paths.data_dir() / "2026" / "hospital.db"
    paths.save_config({"db_path": str(chosen)})
    assert json.loads(paths.config_path().read_text(encoding="utf-8"))["db_path"] == "2026/hospital.db"
    assert paths.default_db_path() == chosen
    # The stick comes back as F: — the program folder has moved.
    moved = tmp_path / "F" / "QualityLedger"
    moved.parent.mkdir()
    frozen.rename(moved)
    monkeypatch.setattr(sys, "executable", str(moved / Path(sys.executable).name))
    monkeypatch.setattr(sys, "_MEIPASS", str(moved / "_internal"))
    assert paths.default_db_path() == moved.resolve() / "data" / "2026" / "hospital.db"
    # A database outside the data folder stays absolute.
    outside = tmp_path / "shared" / "hospital.db"
    paths.save_config({"db_path": str(outside)})
    assert paths.default_db_path() == outside


def test_an_unwritable_portable_folder_is_explained(frozen):
    (frozen / "portable.txt").write_text("", encoding="utf-8")
    (frozen / "data").write_text("a file where the data folder should be", encoding="utf-8")
    with pytest.raises(errors.StorageEnvironmentError, match="便携模式") as caught:
        paths.data_dir()
    assert "portable.txt" in caught.value.message


def test_from_source_the_checkout_is_the_install_root(monkeypatch):
    monkeypatch.delattr(sys, "frozen", raising=False)
    root = Path(__file__).resolve().parents[2]
    assert paths.install_root() == root == paths.program_dir()
    assert paths.resource_path("style.qss").is_file() and paths.schema_path().is_file()


def test_the_window_explains_an_unwritable_portable_folder_instead_of_crashing(frozen, qapp, monkeypatch):
    import ui.app

    (frozen / "portable.txt").write_text("", encoding="utf-8")
    (frozen / "data").write_text("a file where the data folder should be", encoding="utf-8")
    shown = []
    monkeypatch.setattr(ui.app, "setup_application", lambda app: None)
    monkeypatch.setattr(ui.app.QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    assert ui.app.run_gui() == 1
    assert shown and shown[0][0] == "无法使用数据文件夹" and "便携模式" in shown[0][1]
