"""Administration pages: users, audit log, backup & restore, settings."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
)

from desktop_app import paths
from desktop_app.accounts import audit
from desktop_app.accounts import service as accounts
from desktop_app.accounts.passwords import temporary_password
from desktop_app.backup import actions as backup_actions
from desktop_app.backup import service as backup_service
from desktop_app.backup.manifest import BACKUP_RESTORE
from desktop_app.clock import parse_stamp
from desktop_app.hospital import service as hospital
from desktop_app.hospital.manifest import HOSPITAL_EDIT, SETTINGS_EDIT
from desktop_app.hospital.models import HOSPITAL_FIELDS
from desktop_app.settings import SETTINGS, all_settings
from ui.dialogs.user_edit import UserDialog
from ui.errors import attempt, guarded, show_error
from ui.forms import ValidatedForm, combo, line_edit
from ui.jobs import run_job
from ui.pages.base import Page, button_row
from ui.table import Column, RecordTableModel, RecordTableView

GREY = "#888888"
RED = "#c62828"


# ----------------------------------------------------------------------------- users


def _user_state(u: accounts.User, now: dt.datetime) -> str:
    if not u.active:
        return "停用"
    if u.locked_until and parse_stamp(u.locked_until) > now:
        return f"锁定至 {u.locked_until[11:16]}"
    return "正常"


class UsersPage(Page):
    title = "用户管理"
    domains = frozenset({"accounts", "people"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout("用户管理", "为每位使用者建立账户并指定角色；权限由角色决定（见下方说明）。")
        now = lambda: self.ctx.session.now()  # noqa: E731
        columns = [
            Column("用户名", lambda u: u.username, width=110),
            Column("姓名", lambda u: u.display_name, width=100),
            Column("角色", lambda u: u.role_label, width=100),
            Column("所属科室", lambda u: u.department_name, width=130),
            Column("状态", lambda u: _user_state(u, now()), width=110,
                   colour=lambda u: GREY if not u.active else (RED if _user_state(u, now()) != "正常" else None)),
            Column("须改密码", lambda u: "是" if u.must_change_password else "", width=80),
            Column("最近登录", lambda u: u.last_login_at, width=150),
        ]
        self.model = RecordTableModel(columns, self)
        self.table = RecordTableView(self.model)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        layout.addWidget(self.table, 1)
        add = QPushButton("新增用户")
        edit = QPushButton("编辑")
        reset = QPushButton("重置密码")
        unlock = QPushButton("解锁")
        add.clicked.connect(self.add)
        edit.clicked.connect(self.edit_selected)
        reset.clicked.connect(self.reset_selected)
        unlock.clicked.connect(self.unlock_selected)
        layout.addLayout(button_row(add, edit, reset, unlock))
        from desktop_app.accounts.permissions import ROLE_DESCRIPTIONS, USER_ROLES

        help_text = QLabel("<br>".join(f"<b>{r.label}</b>：{ROLE_DESCRIPTIONS[r]}" for r in USER_ROLES))
        help_text.setWordWrap(True)
        help_text.setObjectName("pageDescription")
        layout.addWidget(help_text)

    def refresh(self) -> None:
        rows = guarded(self, accounts.list_users, self.ctx.session)
        if rows is not None:
            self.model.set_rows(rows)

    def add(self) -> None:
        dialog = UserDialog(self.ctx, parent=self)
        if dialog.exec():
            QMessageBox.information(
                self, "用户已建立",
                f"已建立用户“{dialog.saved.username}”（{dialog.saved.role_label}）。\n"
                f"初始密码：{dialog.password}\n请告知本人，首次登录时须修改密码。",
            )

    def edit_selected(self) -> None:
        user = self.table.selected_record()
        if user is not None:
            UserDialog(self.ctx, user, parent=self).exec()

    def reset_selected(self) -> None:
        user = self.table.selected_record()
        if user is None:
            return
        if QMessageBox.question(self, "重置密码", f"为“{user.display_name}（{user.username}）”生成新的临时密码？") \
                != QMessageBox.StandardButton.Yes:
            return
        temp = temporary_password()
        if attempt(self, accounts.reset_password, self.ctx.session, user.id, temp):
            self.ctx.notify("accounts")
            QMessageBox.information(self, "密码已重置",
                                    f"临时密码：{temp}\n请告知本人；下次登录时必须修改。账户如被锁定也已解锁。")

    def unlock_selected(self) -> None:
        user = self.table.selected_record()
        if user is not None and attempt(self, accounts.unlock_user, self.ctx.session, user.id):
            self.ctx.notify("accounts")


# ----------------------------------------------------------------------------- audit


class AuditPage(Page):
    title = "审计日志"
    domains = frozenset({"*"})
    PAGE_SIZE = 200

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout("审计日志", "每一次新增、修改、删除和登录都记录了操作人、时间及修改前后的内容；记录之间以哈希链相连，任何改动都能被发现。")
        filters = QHBoxLayout()
        self.actor = QComboBox()
        self.entity = QComboBox()
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.text = QLineEdit()
        self.text.setPlaceholderText("记录名称或内容包含…")
        search = QPushButton("查询")
        search.clicked.connect(self.reload_rows)
        self.text.returnPressed.connect(self.reload_rows)
        for label, w in (("用户", self.actor), ("记录类型", self.entity), ("从", self.date_from), ("到", self.date_to)):
            filters.addWidget(QLabel(label))
            filters.addWidget(w)
        filters.addWidget(self.text, 1)
        filters.addWidget(search)
        layout.addLayout(filters)
        columns = [
            Column("时间", lambda e: e.ts, width=150),
            Column("用户", lambda e: e.actor_name, width=110),
            Column("操作", lambda e: e.action_label, width=70,
                   colour=lambda e: RED if e.action in ("delete", "login_failed", "account_locked", "restore") else None),
            Column("记录类型", lambda e: e.entity_type_label, width=90),
            Column("记录", lambda e: e.entity_label, width=170),
            Column("变更内容", lambda e: e.summary(), width=400),
        ]
        self.model = RecordTableModel(columns, self)
        self.table = RecordTableView(self.model)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([400, 120])
        layout.addWidget(split, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.more = QPushButton("加载更早的记录")
        self.more.clicked.connect(self.load_more)
        verify = QPushButton("校验哈希链")
        verify.clicked.connect(self.verify)
        self.count = QLabel()
        row = button_row(self.more, verify)
        row.addWidget(self.count)
        layout.addLayout(row)
        self._filters_ready = False

    def _fill_filters(self) -> None:
        session = self.ctx.session
        self.actor.clear()
        self.actor.addItem("全部用户", None)
        for name in accounts.audit_actor_names(session):
            self.actor.addItem(name, name)
        self.entity.clear()
        self.entity.addItem("全部类型", None)
        for key, (label, _fields) in sorted(audit.ENTITY_LABELS.items(), key=lambda kv: kv[1][0]):
            self.entity.addItem(label, key)
        today = session.today()
        self.date_to.setDate(QDate(today.year, today.month, today.day))
        start = today - dt.timedelta(days=90)
        self.date_from.setDate(QDate(start.year, start.month, start.day))
        self._filters_ready = True

    def current_filter(self) -> accounts.AuditFilter:
        qd = lambda d: dt.date(d.year(), d.month(), d.day())  # noqa: E731
        return accounts.AuditFilter(
            actor_name=self.actor.currentData(), entity=self.entity.currentData(),
            date_from=qd(self.date_from.date()), date_to=qd(self.date_to.date()),
            text=self.text.text().strip() or None,
        )

    def refresh(self) -> None:
        if not self._filters_ready:
            if guarded(self, self._fill_filters) is None and not self._filters_ready:
                return
        self.reload_rows()

    def reload_rows(self) -> None:
        rows = guarded(self, accounts.search_audit, self.ctx.session, self.current_filter(), limit=self.PAGE_SIZE)
        if rows is None:
            return
        self.model.set_rows(rows)
        self._after_load(len(rows))

    def load_more(self) -> None:
        if not self.model.rows:
            return
        oldest = min(e.id for e in self.model.rows)
        rows = guarded(self, accounts.search_audit, self.ctx.session, self.current_filter(),
                       limit=self.PAGE_SIZE, before_id=oldest)
        if rows:
            self.model.set_rows(self.model.rows + rows)
        self._after_load(len(rows or []))

    def _after_load(self, got: int) -> None:
        self.more.setEnabled(got == self.PAGE_SIZE)
        self.count.setText(f"已显示 {len(self.model.rows)} 条")

    def _show_detail(self) -> None:
        entry = self.table.selected_record()
        if entry is None:
            self.detail.clear()
            return
        lines = [f"{entry.ts}　{entry.actor_name}　{entry.action_label}　{entry.entity_type_label}　{entry.entity_label or ''}"]
        for name, old, new in entry.changes():
            if entry.action == "update":
                lines.append(f"  {name}：{old if old not in (None, '') else '（空）'} → {new if new not in (None, '') else '（空）'}")
            else:
                lines.append(f"  {name}：{new if entry.action != 'delete' else old}")
        self.detail.setPlainText("\n".join(lines))

    def verify(self) -> None:
        def done(report) -> None:
            box = QMessageBox.information if report.ok else QMessageBox.critical
            box(self, "审计日志校验", report.text())

        run_job(self, self.ctx, "正在校验审计日志…", lambda s, _p: accounts.verify_audit(s), done, cancellable=False)


# ----------------------------------------------------------------------------- backup


class BackupPage(Page):
    title = "备份与恢复"
    domains = frozenset({"backup", "settings"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout(
            "备份与恢复",
            "程序每天首次启动时自动备份一次，升级数据前也会先备份；每份备份都经过完整性校验。"
            "恢复时会先把当前数据库另存一份，因此恢复操作不会丢失任何数据。",
        )
        self.info = QLabel()
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.info)
        columns = [
            Column("备份时间", lambda b: b.created_at, width=160),
            Column("原因", lambda b: b.reason, width=90),
            Column("大小", lambda b: f"{b.size / 1024 / 1024:.1f} MB", sort=lambda b: b.size, width=80, align_right=True),
            Column("状态", lambda b: "已校验" if b.verified else "未通过校验", width=90,
                   colour=lambda b: None if b.verified else RED),
            Column("文件", lambda b: b.path.name, width=280),
        ]
        self.model = RecordTableModel(columns, self)
        self.table = RecordTableView(self.model)
        layout.addWidget(self.table, 1)
        self.backup_button = QPushButton("立即备份")
        self.verify_button = QPushButton("校验所选备份")
        self.restore_button = QPushButton("从所选备份恢复…")
        self.folder_button = QPushButton("打开备份文件夹")
        self.backup_button.clicked.connect(self.backup_now)
        self.verify_button.clicked.connect(self.verify_selected)
        self.restore_button.clicked.connect(self.restore_selected)
        self.folder_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.backup_dir(self.ctx.db.path)))))
        layout.addLayout(button_row(self.backup_button, self.verify_button, self.restore_button, self.folder_button))

    def refresh(self) -> None:
        session = self.ctx.session
        self.restore_button.setVisible(self.ctx.can(BACKUP_RESTORE))
        rows = guarded(self, backup_actions.list_backups, session)
        if rows is None:
            return
        self.model.set_rows(rows)
        db_path = session.db.path
        size = db_path.stat().st_size / 1024 / 1024 if db_path.exists() else 0
        keep = all_settings(session.db)["backup.keep_days"]
        self.info.setText(
            f"数据库文件：{db_path}（{size:.1f} MB）<br>备份文件夹：{paths.backup_dir(db_path)}<br>"
            f"自动备份保留 {keep} 天（可在“系统设置”中修改），手动备份不会被自动清理。"
            "<br>也可用计划任务定时执行：<code>qledger backup</code>"
        )

    def backup_now(self) -> None:
        def work(session, progress):
            return backup_actions.backup_now(session, progress=progress)

        def done(info) -> None:
            self.ctx.notify("backup")
            self.ctx.status_message.emit(f"已备份并校验：{info.path.name}")

        run_job(self, self.ctx, "正在备份数据库…", work, done)

    def verify_selected(self) -> None:
        info = self.table.selected_record()
        if info is None:
            return
        run_job(self, self.ctx, "正在校验备份…", lambda _s, _p: backup_service.verify_backup(info),
                lambda r: (QMessageBox.information if r[0] else QMessageBox.critical)(
                    self, "校验备份", f"{info.path.name}：{r[1]}"), uses_db=False)

    def restore_selected(self) -> None:
        info = self.table.selected_record()
        if info is None:
            return
        answer = QMessageBox.warning(
            self, "从备份恢复",
            f"将把数据库恢复到 {info.created_at} 的状态（{info.reason}备份）。\n"
            "此后录入的内容将不在恢复后的数据库中，但当前数据库会先完整另存为一份备份，可随时再恢复回来。\n\n确定恢复吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        session = self.ctx.session
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            db, saved = backup_actions.restore_from_backup(session, info)
        except Exception as exc:  # noqa: BLE001
            QApplication.restoreOverrideCursor()
            show_error(self, exc)
            # the old connection was closed: reopen the (unchanged) file
            reopened = guarded(self, session.db.reopen)
            if reopened is not None:
                self.ctx.replace_session(session.on(reopened))
            return
        QApplication.restoreOverrideCursor()
        self.ctx.replace_session(session.on(db))
        self.ctx.notify("*")
        QMessageBox.information(self, "恢复完成", f"已从 {info.created_at} 的备份恢复。\n"
                                f"恢复前的数据库已另存为：{saved.path.name if saved else '（无）'}")


# ----------------------------------------------------------------------------- settings


class SettingsPage(Page):
    title = "系统设置"
    domains = frozenset({"settings", "hospital"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        layout = self.page_layout("系统设置", "医院基本信息会印在所有报表上；各项设置对本院所有电脑生效。")
        row = QHBoxLayout()
        layout.addLayout(row, 1)

        profile_box = QGroupBox("医院基本信息")
        pv = QVBoxLayout(profile_box)
        self.profile = ValidatedForm()
        F = HOSPITAL_FIELDS
        self.name = self.profile.add(F["name"], line_edit(max_length=60), required=True)
        self.level = self.profile.add(F["level"], combo(hospital.HOSPITAL_LEVELS), required=True)
        self.region = self.profile.add(F["region"], line_edit(max_length=60), required=True)
        self.credit = self.profile.add(F["credit_code"], line_edit(max_length=18))
        self.address = self.profile.add(F["address"], line_edit(max_length=100))
        self.phone = self.profile.add(F["phone"], line_edit(max_length=20))
        pv.addWidget(self.profile)
        self.save_profile_button = QPushButton("保存医院信息")
        self.save_profile_button.clicked.connect(self.save_profile)
        pv.addLayout(button_row(self.save_profile_button, stretch_first=True))
        pv.addStretch(1)
        row.addWidget(profile_box, 1)

        settings_box = QGroupBox("系统设置")
        sv = QVBoxLayout(settings_box)
        self.settings_form = ValidatedForm()
        self.setting_inputs: dict[str, QSpinBox] = {}
        by_group: dict[str, list] = {}
        for key, d in SETTINGS.items():
            by_group.setdefault(d.group, []).append((key, d))
        for group, defs in by_group.items():  # one heading per module, in the order the settings are declared
            heading = QLabel(group)
            heading.setObjectName("sectionTitle")
            self.settings_form.layout_.addRow(heading)
            for key, d in defs:
                spin = QSpinBox()
                spin.setRange(d.minimum or 0, d.maximum or 100000)
                self.setting_inputs[key] = self.settings_form.add(d.label, spin, hint=d.help, key=key)
        scroll = QScrollArea()  # the settings grow with every module: they scroll, the page keeps its size
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.settings_form)
        sv.addWidget(scroll, 1)
        self.save_settings_button = QPushButton("保存设置")
        self.save_settings_button.clicked.connect(self.save_settings)
        sv.addLayout(button_row(self.save_settings_button, stretch_first=True))
        db_box = QGroupBox("数据库文件（本机）")
        dv = QVBoxLayout(db_box)
        self.db_label = QLabel()
        self.data_label = QLabel()
        for label in (self.db_label, self.data_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            dv.addWidget(label)
        choose = QPushButton("改用其他数据库文件…")
        choose.clicked.connect(self.choose_database)
        dv.addLayout(button_row(choose, stretch_first=True))
        sv.addWidget(db_box)
        row.addWidget(settings_box, 1)

    def refresh(self) -> None:
        session = self.ctx.session
        p = hospital.get_profile(session.db)
        if p:
            self.name.setText(p.name)
            self.level.setCurrentText(p.level)
            self.region.setText(p.region)
            self.credit.setText(p.credit_code or "")
            self.address.setText(p.address or "")
            self.phone.setText(p.phone or "")
        values = all_settings(session.db)
        for key, spin in self.setting_inputs.items():
            spin.setValue(int(values[key]))
        can_profile = self.ctx.can(HOSPITAL_EDIT)
        can_settings = self.ctx.can(SETTINGS_EDIT)
        for w in (self.name, self.level, self.region, self.credit, self.address, self.phone):
            w.setEnabled(can_profile)
        self.save_profile_button.setVisible(can_profile)
        for spin in self.setting_inputs.values():
            spin.setEnabled(can_settings)
        self.save_settings_button.setVisible(can_settings)
        mode = "便携模式（数据保存在程序旁）" if paths.is_portable() else "本机数据文件夹"
        self.db_label.setText(f"当前：{session.db.path}")
        self.data_label.setText(f"数据文件夹：{paths.data_dir()}（{mode}）")

    def save_profile(self) -> None:
        values = {"name": self.name.text(), "level": self.level.currentText(), "region": self.region.text(),
                  "credit_code": self.credit.text(), "address": self.address.text(), "phone": self.phone.text()}
        ok, _ = self.profile.submit(hospital.save_profile, self.ctx.session, values)
        if not ok:
            return
        self.ctx.notify("hospital")
        self.ctx.status_message.emit("医院基本信息已保存")

    def save_settings(self) -> None:
        values = {key: spin.value() for key, spin in self.setting_inputs.items()}
        ok, changed = self.settings_form.submit(hospital.save_settings, self.ctx.session, values)
        if not ok:
            return
        self.ctx.notify("settings")
        self.ctx.status_message.emit(f"设置已保存（{len(changed)} 项有变化）")

    def choose_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择数据库文件", str(self.ctx.db.path.parent),
                                              "数据库文件 (*.db);;所有文件 (*)")
        if not path:
            return
        from desktop_app import errors
        from desktop_app.storage.database import open_database

        try:  # only remember a file this program can really open
            open_database(path, migrate=False).close()
        except errors.DatabaseOpenError as exc:
            if "需要先升级" not in exc.message:  # an older file is fine: it is upgraded at start
                QMessageBox.warning(self, exc.title, exc.message)
                return
        paths.save_config({"db_path": path})
        QMessageBox.information(self, "已更改", f"下次启动程序时将打开：\n{path}\n（本次仍使用当前数据库。）")
