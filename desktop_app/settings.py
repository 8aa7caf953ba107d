"""Hospital-wide settings: typed, with their defaults in one place, stored in the database.

Rules that differ by hospital, province or year (deadlines, thresholds, cycles) are settings
or data rows, never constants in code. Machine-local settings needed before a database is open
(such as which database file to open) live in ``config.json`` (see :mod:`desktop_app.paths`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from desktop_app import errors
from desktop_app.errors import Finding


@dataclass(frozen=True)
class SettingDef:
    key: str
    label: str
    type: type
    default: Any
    minimum: int | None = None
    maximum: int | None = None
    help: str = ""
    group: str = "常规"


SETTINGS: dict[str, SettingDef] = {
    d.key: d
    for d in [
        SettingDef("backup.keep_days", "自动备份保留天数", int, 30, 3, 3650,
                   "超过天数的自动备份会被清理；最近一份有效备份始终保留。", "备份"),
        SettingDef("security.idle_lock_minutes", "无操作自动锁定（分钟）", int, 15, 0, 480,
                   "0 表示不自动锁定。共用电脑建议 5–15 分钟。", "安全"),
        SettingDef("security.password_max_age_days", "密码有效期（天）", int, 180, 0, 3650,
                   "0 表示密码不过期。", "安全"),
        SettingDef("security.password_warn_days", "密码到期前提醒（天）", int, 14, 0, 90,
                   "到期前若干天在工作台提醒。", "安全"),
        SettingDef("ledger.default_deadline_days", "默认整改时限（天）", int, 30, 1, 365,
                   "登记问题时，整改时限默认为发现日期加上这个天数。", "问题台账"),
        SettingDef("ledger.due_soon_days", "即将到期提醒（天）", int, 7, 1, 60,
                   "整改时限在这个天数以内的未销号问题显示在工作台并标色。", "问题台账"),
        SettingDef("roster.max_consecutive_nights", "最多连续夜班/24 小时班（次）", int, 2, 1, 14,
                   "连续值夜班或 24 小时班超过这个次数即提示违反规则。", "值班"),
        SettingDef("roster.min_rest_hours", "夜班后最少休息（小时）", int, 12, 0, 72,
                   "夜班或 24 小时班结束后，至少间隔这么多小时才能再上班。", "值班"),
        SettingDef("roster.publish_by_day", "下月值班表最迟发布日", int, 25, 1, 28,
                   "每月这一天之后，下月值班表仍未发布就在工作台提醒。", "值班"),
        SettingDef("handover.sign_within_minutes", "交接班按时签名时限（分钟）", int, 30, 0, 240,
                   "接班者在交班时间后这么多分钟内签名，统计为按时完成交接班。", "交接班"),
        SettingDef("training.awareness_target", "核心制度知晓率目标（%）", int, 90, 1, 100,
                   "知晓率 = 考核合格人数 ÷ 抽考人数，低于目标的科室标红。", "培训"),
        SettingDef("training.pass_mark", "考核默认合格分", int, 60, 0, 1000,
                   "新建考核时合格分的默认值（满分 100 时）。", "培训"),
        SettingDef("training.remind_days", "培训要求到期前提醒（天）", int, 60, 0, 183,
                   "距半年末或年末不到这个天数时，工作台列出尚未达到培训要求的人员。", "培训"),
        SettingDef("surgery.grade4_cycle_months", "四级手术授权有效期（月）", int, 12, 1, 12,
                   "四级手术能力评估周期不超过一年：授权有效期最长为这么多个月。", "手术授权"),
        SettingDef("surgery.cycle_months", "其他手术授权有效期（月）", int, 24, 1, 60,
                   "一至三级手术授权的有效期（再评估周期），常用两年。", "手术授权"),
        SettingDef("surgery.remind_days", "授权到期提醒（天）", int, 90, 7, 365,
                   "授权在这么多天内到期时在工作台提醒（另在 60、30、7 天时升级提醒）。", "手术授权"),
        SettingDef("submission.half_year_due", "上半年报送截止日（月日，如 710 即 7 月 10 日）", int, 710, 101, 1231,
                   "上半年（1 月 1 日至 6 月 30 日）工作报送的截止日期；工作台在截止前倒计时。", "报送"),
        SettingDef("submission.year_due", "全年报送截止日（次年月日，如 110 即次年 1 月 10 日）", int, 110, 101, 1231,
                   "全年工作报送的截止日期（在次年）。", "报送"),
        SettingDef("submission.remind_days", "报送截止前提醒（天）", int, 30, 1, 180,
                   "距截止日不到这个天数时，工作台提醒尚未定稿的报送。", "报送"),
        SettingDef("inspection.base_score", "科室检查基础分", int, 100, 1, 1000,
                   "科室得分 = 基础分 − 不符合项扣分之和。", "问题台账"),
    ]
}


def _coerce(d: SettingDef, value: Any) -> Any:
    if d.type is bool:
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "是", "yes", "on"}
        return bool(value)
    if d.type is int:
        if isinstance(value, bool):
            raise ValueError
        return int(str(value).strip())
    return d.type(value)


def get_setting(db, key: str) -> Any:
    d = SETTINGS[key]
    raw = db.scalar("SELECT value FROM settings WHERE key = ?", (key,))
    if raw is None:
        return d.default
    try:
        return _coerce(d, json.loads(raw))
    except (ValueError, TypeError):
        return d.default


def all_settings(db) -> dict[str, Any]:
    return {key: get_setting(db, key) for key in SETTINGS}


def validate_setting(key: str, value: Any) -> tuple[Any, list[Finding]]:
    d = SETTINGS.get(key)
    if d is None:
        return None, [Finding(f"未知的设置项“{key}”。")]
    try:
        coerced = _coerce(d, value)
    except (ValueError, TypeError):
        return None, [Finding("请输入整数。" if d.type is int else "取值无效。", field=d.label)]
    if d.type is int:
        if d.minimum is not None and coerced < d.minimum:
            return None, [Finding(f"不能小于 {d.minimum}。", field=d.label)]
        if d.maximum is not None and coerced > d.maximum:
            return None, [Finding(f"不能大于 {d.maximum}。", field=d.label)]
    return coerced, []


def write_setting(session, key: str, value: Any) -> bool:
    """Store one setting inside the caller's transaction (audited). Returns True if it changed."""
    from desktop_app.accounts import audit

    coerced, findings = validate_setting(key, value)
    if findings:
        raise errors.ValidationError(findings)
    old = get_setting(session.db, key)
    if old == coerced:  # unchanged (or still the default): nothing to store or audit
        return False
    session.db.execute(
        "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (key, json.dumps(coerced, ensure_ascii=False), session.stamp()),
    )
    label = SETTINGS[key].label
    audit.record(session, "update", "setting", uid=key, label=label, before={label: old}, after={label: coerced})
    return True
