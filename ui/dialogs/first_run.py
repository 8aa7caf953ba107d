"""First start: create the hospital's database (profile + first administrator), or open one."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from desktop_app import APP_NAME
from desktop_app.accounts.models import USER_FIELDS
from desktop_app.accounts.passwords import check_password_rules
from desktop_app.hospital.models import HOSPITAL_FIELDS
from desktop_app.hospital.service import HOSPITAL_LEVELS, initialize_database, validate_profile
from ui.forms import ValidatedForm, combo, line_edit


class _IntroPage(QWizardPage):
    def __init__(self, db_path: Path):
        super().__init__()
        self.setTitle(f"欢迎使用{APP_NAME}")
        self.setSubTitle("本程序帮助医院开展自查自纠、管理问题台账、值班与交接班、培训考核、手术分级授权，并生成报送材料。")
        layout = QVBoxLayout(self)
        self.create = QRadioButton("新建本院数据库（首次使用）")
        self.open_existing = QRadioButton("打开已有的数据库文件（例如从其他电脑复制来的 .db 文件）")
        self.create.setChecked(True)
        layout.addWidget(self.create)
        layout.addWidget(self.open_existing)
        where = QLabel(f"新数据库将保存在：<br><code>{db_path}</code><br>"
                       "程序每天首次启动时自动备份到同一文件夹下的 backups 子文件夹。")
        where.setWordWrap(True)
        layout.addSpacing(12)
        layout.addWidget(where)
        layout.addStretch(1)


class _ProfilePage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("医院基本信息")
        self.setSubTitle("这些信息会印在每一份打印的报表和报送材料上，以后可在“系统设置”中修改。")
        layout = QVBoxLayout(self)
        self.form = ValidatedForm()
        F = HOSPITAL_FIELDS
        self.name = self.form.add(F["name"], line_edit(placeholder="与《医疗机构执业许可证》一致", max_length=60),
                                  required=True)
        self.level = self.form.add(F["level"], combo(HOSPITAL_LEVELS, "二级甲等"), required=True)
        self.region = self.form.add(F["region"], line_edit(placeholder="例如：安徽省六安市霍山县", max_length=60),
                                    required=True)
        self.credit = self.form.add(F["credit_code"], line_edit(placeholder="选填，18 位", max_length=18))
        layout.addWidget(self.form)

    def values(self) -> dict:
        return {"name": self.name.text(), "level": self.level.currentText(), "region": self.region.text(),
                "credit_code": self.credit.text()}

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        _profile, findings = validate_profile(self.values())
        self.form.show_findings(findings)
        return not findings


class _AdminPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("系统管理员账户")
        self.setSubTitle("系统管理员负责建立其他用户、设置权限和备份。请牢记密码：忘记后只能由另一位管理员重置。")
        layout = QVBoxLayout(self)
        self.form = ValidatedForm()
        F = USER_FIELDS
        self.username = self.form.add(F["username"], line_edit("admin", max_length=32), required=True,
                                      hint="字母或数字，登录时使用。")
        self.display = self.form.add(F["display_name"], line_edit(max_length=20), required=True)
        self.password = self.form.add(F["password"], QLineEdit(), required=True, hint="至少 8 位，须同时包含字母和数字。")
        self.again = self.form.add(F["password_again"], QLineEdit(), required=True)
        for edit in (self.password, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addWidget(self.form)

    def values(self) -> dict:
        return {"username": self.username.text().strip(), "display_name": self.display.text().strip(),
                "password": self.password.text()}

    def validatePage(self) -> bool:  # noqa: N802
        v = self.values()
        findings = []
        if not v["display_name"]:
            findings.append(USER_FIELDS.finding("display_name", "请填写管理员姓名。"))
        findings += check_password_rules(v["password"], username=v["username"], field="password")
        if v["password"] != self.again.text():
            findings.append(USER_FIELDS.finding("password_again", "两次输入的密码不一致。"))
        self.form.show_findings(findings)
        return not findings


class FirstRunWizard(QWizard):
    """On success ``self.db`` is the new (or opened) database and ``self.db_path`` its path."""

    def __init__(self, db_path: Path, clock, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME} — 首次使用")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(640, 480)
        self.db_path = Path(db_path)
        self.clock = clock
        self.db = None
        self.opened_existing: Path | None = None
        self.intro = _IntroPage(self.db_path)
        self.profile = _ProfilePage()
        self.admin = _AdminPage()
        self.addPage(self.intro)
        self.addPage(self.profile)
        self.addPage(self.admin)
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步")
        self.setButtonText(QWizard.WizardButton.BackButton, "上一步")
        self.setButtonText(QWizard.WizardButton.FinishButton, "完成")
        self.setButtonText(QWizard.WizardButton.CancelButton, "取消")

    def validateCurrentPage(self) -> bool:  # noqa: N802
        if self.currentPage() is self.intro and self.intro.open_existing.isChecked():
            path, _ = QFileDialog.getOpenFileName(self, "选择数据库文件", str(self.db_path.parent),
                                                  "数据库文件 (*.db);;所有文件 (*)")
            if path:
                self.opened_existing = Path(path)
                self.done(QWizard.DialogCode.Accepted)
            return False
        return super().validateCurrentPage()

    def accept(self) -> None:
        if self.opened_existing is None:
            ok, self.db = self.admin.form.submit(
                initialize_database, self.db_path, self.profile.values(), self.admin.values(), clock=self.clock)
            if not ok:
                return
        super().accept()
