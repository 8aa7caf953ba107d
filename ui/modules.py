"""The interface's side of the modules: each module's pages, in navigation order — the one list
the main window reads. A page is named ``"ui.pages.x:Class"`` and imported when first shown, so
start-up builds only the 工作台. A page appears only to users holding its permission."""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from desktop_app.accounts.manifest import AUDIT_VIEW, USERS_MANAGE
from desktop_app.accounts.permissions import Permission
from desktop_app.backup.manifest import BACKUP_CREATE
from desktop_app.handover.manifest import HANDOVER_VIEW
from desktop_app.ledger.manifest import LEDGER_VIEW
from desktop_app.people.manifest import PEOPLE_VIEW
from desktop_app.roster.manifest import ROSTER_SETUP, ROSTER_VIEW
from desktop_app.submissions.manifest import SUBMISSION_VIEW
from desktop_app.surgery.manifest import SURGERY_VIEW
from desktop_app.training.manifest import TRAINING_VIEW


@dataclass(frozen=True)
class PageSpec:
    key: str  # navigation key (工作台 items and links name pages by it)
    title: str
    group: str  # navigation heading
    page: str  # "ui.pages.module:Class"
    permission: Permission | None = None

    def factory(self, ctx):
        module, _, name = self.page.partition(":")
        return getattr(importlib.import_module(module), name)(ctx)


PAGES: list[PageSpec] = [
    PageSpec("dashboard", "工作台", "", "ui.pages.dashboard:DashboardPage"),
    # 自查自纠与问题台账
    PageSpec("ledger", "问题台账", "自查与台账", "ui.pages.ledger:LedgerPage", LEDGER_VIEW),
    PageSpec("inspections", "检查记录", "自查与台账", "ui.pages.inspections:InspectionsPage", LEDGER_VIEW),
    PageSpec("checklists", "检查表", "自查与台账", "ui.pages.checklists:ChecklistsPage", LEDGER_VIEW),
    PageSpec("ledger_stats", "台账统计", "自查与台账", "ui.pages.ledger_stats:LedgerStatsPage", LEDGER_VIEW),
    # 值班表
    PageSpec("roster", "值班表", "值班管理", "ui.pages.roster:RosterPage", ROSTER_VIEW),
    PageSpec("duty_posts", "值班岗位", "值班管理", "ui.pages.roster_setup:DutyPostsPage", ROSTER_VIEW),
    PageSpec("holidays", "节假日", "值班管理", "ui.pages.holidays:HolidaysPage", ROSTER_SETUP),
    # 交接班记录
    PageSpec("handover", "交接班记录", "交接班", "ui.pages.handover:HandoverPage", HANDOVER_VIEW),
    PageSpec("handover_stats", "交接班统计", "交接班", "ui.pages.handover_stats:HandoverStatsPage", HANDOVER_VIEW),
    # 培训考核
    PageSpec("training", "培训记录", "培训考核", "ui.pages.training:TrainingPage", TRAINING_VIEW),
    PageSpec("assessments", "考核与知晓率", "培训考核", "ui.pages.assessments:AssessmentsPage", TRAINING_VIEW),
    PageSpec("training_coverage", "培训覆盖", "培训考核", "ui.pages.training_coverage:TrainingCoveragePage",
             TRAINING_VIEW),
    PageSpec("training_setup", "培训要求", "培训考核", "ui.pages.training_setup:TrainingSetupPage", TRAINING_VIEW),
    # 手术分级与授权
    PageSpec("surgery_catalogue", "手术分级目录", "手术分级与授权", "ui.pages.surgery_catalogue:SurgeryCataloguePage",
             SURGERY_VIEW),
    PageSpec("surgery_privileges", "手术授权", "手术分级与授权", "ui.pages.surgery_privileges:SurgeryPrivilegesPage",
             SURGERY_VIEW),
    PageSpec("surgery_operations", "授权核查", "手术分级与授权", "ui.pages.surgery_operations:SurgeryOperationsPage",
             SURGERY_VIEW),
    # 半年/全年报送
    PageSpec("submissions", "半年/全年报送", "报送", "ui.pages.submissions:SubmissionsPage", SUBMISSION_VIEW),
    # 人员与科室, 系统管理
    PageSpec("staff", "人员", "人员与科室", "ui.pages.people:StaffPage", PEOPLE_VIEW),
    PageSpec("departments", "科室", "人员与科室", "ui.pages.people:DepartmentsPage", PEOPLE_VIEW),
    PageSpec("users", "用户管理", "系统管理", "ui.pages.admin:UsersPage", USERS_MANAGE),
    PageSpec("audit", "审计日志", "系统管理", "ui.pages.admin:AuditPage", AUDIT_VIEW),
    PageSpec("backup", "备份与恢复", "系统管理", "ui.pages.admin:BackupPage", BACKUP_CREATE),
    PageSpec("settings", "系统设置", "系统管理", "ui.pages.admin:SettingsPage"),
]
