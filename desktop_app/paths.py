"""Where things live: bundled resources, the per-machine data folder, portable mode.

* Resources (fonts, seed data, ``db_schema.sql``) sit beside the packages in a source checkout
  and under ``sys._MEIPASS`` in a PyInstaller build.
* Writable data (database, backups, logs) lives in the per-machine data folder —
  ``%ProgramData%\\QualityLedger`` on Windows, ``$XDG_DATA_HOME/QualityLedger`` (default
  ``~/.local/share/QualityLedger``) elsewhere — or, in *portable mode*, in ``data`` beside the
  program: a ``portable.txt`` marker file next to the program's executable (a USB stick that moves
  between PCs). ``QLEDGER_HOME`` overrides both (used by tests and scripts).
* In portable mode a database chosen inside the data folder is remembered relative to it, so the
  stick keeps working when Windows gives it another drive letter.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from desktop_app import APP_ID

PORTABLE_MARKER = "portable.txt"
# Explorer hides known extensions: "portable.txt" typed as a new text file's name becomes
# "portable.txt.txt"; a marker without extension is accepted too.
PORTABLE_MARKERS = (PORTABLE_MARKER, PORTABLE_MARKER + ".txt", "portable")
PORTABLE_DATA = "data"
DEFAULT_DB_NAME = "qledger.db"
CONFIG_NAME = "config.json"


def install_root() -> Path:
    """The folder holding ``resources/`` and ``db_schema.sql``."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parent.parent


def program_dir() -> Path:
    """The folder of the program the user started (for the portable marker)."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return install_root()


def resource_path(*parts: str) -> Path:
    return install_root().joinpath("resources", *parts)


def schema_path() -> Path:
    return install_root() / "db_schema.sql"


def is_portable() -> bool:
    folder = program_dir()
    return any((folder / name).is_file() for name in PORTABLE_MARKERS)


def data_dir() -> Path:
    override = os.environ.get("QLEDGER_HOME")
    if override:
        base = Path(override)
    elif is_portable():
        base = program_dir() / PORTABLE_DATA
    elif sys.platform == "win32":
        base = Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / APP_ID
    else:
        xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        base = Path(xdg) / APP_ID
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from desktop_app.errors import StorageEnvironmentError

        if not override and is_portable():
            hint = (f"程序文件夹中有 {PORTABLE_MARKER}（便携模式），数据要保存在程序旁的“{base}”，但这里不能写入"
                    "（只读的 U 盘或光盘，或装在 Program Files 中）。请把程序文件夹复制到可写的位置，"
                    f"或删除 {PORTABLE_MARKER} 改用本机数据文件夹。")
        else:
            hint = f"无法建立数据文件夹“{base}”（{exc.strerror or exc}）。请检查该位置的权限或磁盘空间。"
        raise StorageEnvironmentError(hint, retry_possible=False) from exc
    return base


def backup_dir(db_path: Path) -> Path:
    """Backups live in a ``backups`` folder beside the database they protect."""
    return Path(db_path).resolve().parent / "backups"


def log_dir() -> Path:
    d = data_dir() / "logs"
    d.mkdir(parents=True, exist_ok=True)
    return d


def config_path() -> Path:
    return data_dir() / CONFIG_NAME


def load_config() -> dict:
    """Machine-local settings that are needed before a database is open (e.g. its path)."""
    try:
        return json.loads(config_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def save_config(values: dict) -> None:
    cfg = load_config()
    cfg.update(values)
    if cfg.get("db_path") and is_portable() and not os.environ.get("QLEDGER_HOME"):
        cfg["db_path"] = _portable_relative(Path(cfg["db_path"]))
    tmp = config_path().with_suffix(".tmp")
    tmp.write_text(json.dumps(cfg, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, config_path())


def _portable_relative(path: Path) -> str:
    """A path inside the portable data folder as a path relative to it (else unchanged)."""
    try:
        return Path(path).resolve().relative_to(data_dir().resolve()).as_posix()
    except ValueError:
        return str(path)


def default_db_path() -> Path:
    """The configured database (a relative path is inside the data folder), else ``qledger.db`` there."""
    configured = load_config().get("db_path")
    if configured:
        path = Path(configured)
        return path if path.is_absolute() else data_dir() / path
    return data_dir() / DEFAULT_DB_NAME


def is_network_path(path: Path) -> bool:
    """True for databases on a network share, where SQLite's WAL mode must not be used."""
    p = str(Path(path).resolve())
    if sys.platform == "win32":
        if p.startswith("\\\\"):
            return True
        try:
            import ctypes

            drive = os.path.splitdrive(p)[0] + "\\"
            return ctypes.windll.kernel32.GetDriveTypeW(drive) == 4  # DRIVE_REMOTE
        except Exception:  # noqa: BLE001 - any failure means "assume local"
            return False
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return False
    best, fstype = "", ""
    for line in mounts:
        fields = line.split()
        if len(fields) >= 3 and p.startswith(fields[1]) and len(fields[1]) > len(best):
            best, fstype = fields[1], fields[2]
    return fstype in {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p"}
