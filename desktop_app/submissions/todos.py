"""What the submission puts on the 工作台: a card counting down to the next deadline (always), and near it a
to-do saying what is still missing."""
from __future__ import annotations

from desktop_app.dashboard import StartupHealth, Stat, TodoItem, provider, stat_provider
from desktop_app.session import Session
from desktop_app.settings import get_setting
from desktop_app.submissions import service
from desktop_app.submissions.manifest import SUBMISSION_EDIT, SUBMISSION_FINALIZE, SUBMISSION_VIEW

MODULE = "报送"


@provider
def submission_todos(session: Session, health: StartupHealth) -> list[TodoItem]:
    actor = session.actor
    if not (actor.can(SUBMISSION_EDIT) or actor.can(SUBMISSION_FINALIZE)):
        return []
    d = service.next_deadline(session)
    if d["days_left"] > int(get_setting(session.db, "submission.remind_days")):
        return []
    s = d["submission"]
    what = f"{d['year']}年{d['kind']}报送"
    when = f"截止 {d['due']}，还有 {d['days_left']} 天"
    if s is not None and s.final:
        return [TodoItem("ok", f"{what}已定稿", f"第 {s.version} 版，验证码 {s.verification_code}。", page="submissions",
                         module=MODULE)]
    severity = "alert" if d["days_left"] <= 7 else "warning"
    if s is None:
        return [TodoItem(severity, f"{what}尚未开始（{when}）", "请在“半年/全年报送”中新建报送，填写工作总结和监测指标。",
                         page="submissions", module=MODULE)]
    gaps = service.entry_gaps(session.db, s)
    detail = (f"还需填写 {len(gaps)} 项：" + "、".join(gaps[:6]) + ("等" if len(gaps) > 6 else "") + "。") if gaps \
        else "内容已填写齐全，请院领导审核定稿。"
    return [TodoItem(severity, f"{what}尚未定稿（{when}）", detail, page="submissions", module=MODULE)]


@stat_provider
def submission_countdown(session: Session) -> list[Stat]:
    """距下次报送截止的天数, with where that submission stands (未开始 / 草稿 / 已定稿)."""
    if not session.actor.can(SUBMISSION_VIEW):
        return []
    d = service.next_deadline(session)
    s = d["submission"]
    state = "未开始" if s is None else ("已定稿" if s.final else "草稿")
    label = f"距{d['year']}年{d['kind']}报送截止（{state}）"
    return [Stat(label, f"{d['days_left']} 天", page="submissions", note=f"截止日 {d['due']}")]
