"""Starting the window: open (or create) the database, log in, show the main window.

Opening is careful: a missing database starts the first-run wizard; a damaged or foreign file
is explained in plain Chinese and the newest good backup is offered; a file from a newer
version of the program is refused. After the window is shown, the integrity check and the
daily backup run in the background and report to the 工作台.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop_app import APP_NAME, errors, modules  # noqa: F401 - modules: every manifest (permissions, settings, upgrades)
from desktop_app.backup.manifest import BACKUP_RESTORE
from desktop_app.clock import Clock, SystemClock
from desktop_app.dashboard import StartupHealth
from desktop_app.paths import default_db_path, save_config
from desktop_app.session import Session
from desktop_app.storage.database import Database, open_database
from ui.context import AppContext
from ui.errors import install_excepthook, log, setup_logging, show_error
from ui.qt_setup import setup_application


class StartupProbe:
    """Start-up milestones for the benchmark (``QLEDGER_STARTUP_PROBE=file``); off otherwise."""

    def __init__(self):
        self.path = os.environ.get("QLEDGER_STARTUP_PROBE")

    def mark(self, event: str) -> None:
        if self.path:
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"event": event, "t": time.time()}) + "\n")

    def auto_login(self) -> tuple[str, str] | None:
        value = os.environ.get("QLEDGER_PROBE_LOGIN") if self.path else None
        if value and ":" in value:
            user, password = value.split(":", 1)
            return user, password
        return None


def demo_hint(db: Database) -> str:
    """The demo database's accounts, shown on its login dialog (never on a real hospital's)."""
    from desktop_app.practice.accounts import DEMO_ACCOUNTS, demo_info

    if demo_info(db) is None:
        return ""
    lines = [f"{a.username} / {a.password}　{a.role.label}" for a in DEMO_ACCOUNTS]
    return "这是演示数据库（青山县人民医院，虚构），可用以下账户体验各角色：\n" + "\n".join(lines)


def open_or_create(parent: QWidget | None, db_path: Path, clock: Clock) -> Database | None:
    """Open ``db_path``; on a problem, explain it and offer what can be done. None = give up."""
    from desktop_app.backup.service import newest_good_backup, restore_backup

    while True:
        if not db_path.exists():
            from ui.dialogs.first_run import FirstRunWizard

            wizard = FirstRunWizard(db_path, clock, parent)
            if not wizard.exec():
                return None
            if wizard.opened_existing is not None:
                db_path = wizard.opened_existing
                save_config({"db_path": str(db_path)})
                continue
            return wizard.db
        try:
            return open_database(db_path, clock=clock)
        except errors.DatabaseTooNew as exc:
            QMessageBox.critical(parent, exc.title, exc.message)
            return None
        except (errors.DatabaseOpenError, errors.StorageEnvironmentError) as exc:
            log.warning("cannot open %s: %s", db_path, exc)
            backup = newest_good_backup(db_path) if getattr(exc, "offer_backup", False) else None
            choice = ask_open_problem(parent, exc, backup)
            if choice == "restore":
                try:
                    restore_backup(db_path, backup, clock=clock)
                except Exception as restore_exc:  # noqa: BLE001
                    show_error(parent, restore_exc)
                    return None
                _audit_restore(db_path, backup, clock)
                continue
            if choice == "choose":
                from PySide6.QtWidgets import QFileDialog

                path, _ = QFileDialog.getOpenFileName(parent, "选择数据库文件", str(db_path.parent),
                                                      "数据库文件 (*.db);;所有文件 (*)")
                if path:
                    db_path = Path(path)
                    save_config({"db_path": path})
                    continue
            return None


def ask_open_problem(parent: QWidget | None, exc, backup, *, allow_choose: bool = True) -> str:
    """Explain why the database cannot be used; returns "restore", "choose" or "quit"."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(getattr(exc, "title", "无法打开数据库"))
    text = exc.message
    if backup is not None:
        text += f"\n\n找到最近的有效备份：{backup.describe()}。\n恢复前会把当前文件另存一份，不会覆盖任何备份。"
    box.setText(text)
    restore = box.addButton("从该备份恢复", QMessageBox.ButtonRole.AcceptRole) if backup else None
    choose = box.addButton("选择其他数据库文件…", QMessageBox.ButtonRole.ActionRole) if allow_choose else None
    box.addButton("退出" if allow_choose else "暂不恢复", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    if restore is not None and clicked is restore:
        return "restore"
    if choose is not None and clicked is choose:
        return "choose"
    return "quit"


def _audit_restore(db_path: Path, backup, clock: Clock) -> None:
    from desktop_app.accounts import audit
    from desktop_app.session import SYSTEM_ACTOR

    db = open_database(db_path, clock=clock)
    try:
        with db.transaction():
            audit.record(Session(db, SYSTEM_ACTOR, clock), "restore", "database", label=db_path.name,
                         after={"backup": backup.path.name, "backup_time": backup.created_at,
                                "reason": "打开时发现数据库损坏"})
    finally:
        db.close()


def login(parent: QWidget | None, db: Database, clock: Clock, *, locked_user: str | None = None,
          probe: StartupProbe | None = None) -> Session | None:
    """Show the login dialog (and the forced password change). None when the user gives up."""
    from desktop_app.hospital.service import get_profile
    from ui.dialogs.login import ChangePasswordDialog, LoginDialog

    profile = get_profile(db)
    dialog = LoginDialog(db, clock, hospital_name=profile.name if profile else "", hint=demo_hint(db),
                         username=locked_user, locked_user=locked_user, parent=parent,
                         title="解锁" if locked_user else "登录")
    auto = probe.auto_login() if probe else None
    if probe:
        probe.mark("login_shown")
    if auto:
        dialog.username.setCurrentText(auto[0])
        dialog.password.setText(auto[1])
        QTimer.singleShot(0, dialog.try_login)
    if not dialog.exec():
        return None
    session = dialog.session
    if dialog.must_change_password or (dialog.password_expires_in_days is not None and dialog.password_expires_in_days < 0):
        reason = ("这是管理员设置的初始或临时密码，请先设置您自己的密码。" if dialog.must_change_password
                  else "您的密码已过期，请设置新密码。")
        if not ChangePasswordDialog(session, forced=True, reason=reason, parent=parent).exec():
            return None
    return session


def offer_restore_after_damage(ctx: AppContext, problems: list[str]) -> None:
    """The start-up check found damage: say so plainly and offer the newest good backup."""
    
    from desktop_app.backup import actions as backup_actions
    from desktop_app.backup.service import newest_good_backup

    log.error("integrity check failed: %s", problems[:5])
    backup = newest_good_backup(ctx.db.path)
    message = (f"数据库“{ctx.db.path.name}”的完整性检查未通过（{problems[0]}）。"
               "为避免问题扩大，请暂停录入。")
    if backup is None:
        QMessageBox.critical(None, "数据库完整性检查未通过",
                             message + "\n\n没有找到有效的备份。请立即联系信息科，不要删除或覆盖数据库文件。")
        return
    if not ctx.can(BACKUP_RESTORE):
        QMessageBox.critical(None, "数据库完整性检查未通过",
                             message + f"\n\n最近的有效备份：{backup.describe()}。"
                             "请通知系统管理员登录后在“备份与恢复”页恢复。")
        return
    if ask_open_problem(None, errors.DatabaseDamaged(message), backup, allow_choose=False) != "restore":
        return
    try:
        db, saved = backup_actions.restore_from_backup(ctx.session, backup)
    except Exception as exc:  # noqa: BLE001
        show_error(None, exc)
        reopened = ctx.session.db.reopen()
        ctx.replace_session(ctx.session.on(reopened))
        return
    ctx.replace_session(ctx.session.on(db))
    ctx.health = StartupHealth(integrity_checked=True)
    ctx.notify("*")
    QMessageBox.information(None, "恢复完成", f"已从 {backup.created_at} 的备份恢复。\n"
                            f"损坏的数据库已另存：{saved.path.name if saved else '（无法读取，已按原样保留副本）'}")


def start_background_checks(ctx: AppContext) -> None:
    """Integrity check and the daily backup, off the GUI thread, reported to the 工作台."""
    from PySide6.QtCore import QThreadPool

    from desktop_app.backup.service import run_daily_backup
    from desktop_app.settings import get_setting
    from ui.jobs import Job

    def work(session, _progress):
        health = StartupHealth(integrity_checked=True)
        try:
            health.integrity_problems = session.db.quick_check()
        except errors.DatabaseOpenError as exc:  # damage bad enough that the check itself fails
            health.integrity_problems = [exc.message]
        if not health.integrity_problems:
            try:
                made = run_daily_backup(session.db, int(get_setting(session.db, "backup.keep_days")), session.clock)
                health.backup_made = str(made.path) if made else None
            except (errors.StorageEnvironmentError, errors.DatabaseOpenError, OSError) as exc:
                health.backup_error = getattr(exc, "message", str(exc))
        return health

    def done(health: StartupHealth) -> None:
        ctx.health = health
        ctx.notify("health", "backup")
        if health.integrity_problems:
            offer_restore_after_damage(ctx, health.integrity_problems)

    def failed(exc) -> None:
        ctx.health = StartupHealth(integrity_checked=True, backup_error=str(exc))
        ctx.notify("health")
        log.error("background checks failed: %s", exc)

    job = Job(ctx, work)
    job.signals.succeeded.connect(done)
    job.signals.failed.connect(failed)
    ctx._background_job = job  # keep it alive until it reports
    QThreadPool.globalInstance().start(job)


def run_gui(db_path: Path | None = None, *, clock: Clock | None = None) -> int:
    probe = StartupProbe()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        setup_logging()  # the first use of the data folder
    except errors.StorageEnvironmentError as exc:  # e.g. portable mode on a read-only stick
        setup_application(app)
        QMessageBox.critical(None, "无法使用数据文件夹", exc.message)
        return 1
    setup_application(app)
    install_excepthook()
    clock = clock or SystemClock()
    db_path = Path(db_path) if db_path else default_db_path()
    log.info("starting %s with %s", APP_NAME, db_path)
    db = open_or_create(None, db_path, clock)
    if db is None:
        return 1
    session = login(None, db, clock, probe=probe)
    if session is None:
        db.close()
        return 0
    from ui.main_window import MainWindow

    ctx = AppContext(session)

    def switch_user(parent, locked_user):
        return login(parent, ctx.db, clock, locked_user=locked_user)

    window = MainWindow(ctx, switch_user=switch_user)
    window.show()
    probe.mark("main_window_shown")
    start_background_checks(ctx)
    if probe.auto_login():
        def finish_probe():
            probe.mark("main_window_usable")
            app.quit()

        QTimer.singleShot(0, finish_probe)
    code = app.exec()
    # Let background work (the daily backup, an export) finish before the connections close.
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone()
    ctx.db.close()
    return code
