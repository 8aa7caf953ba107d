"""What “nothing lost, nothing half-written” means, as checks on a database file.

* :func:`check_facts` — every fact a worker journalled after a committed call is in the file, intact.
* :func:`half_written` — no record exists without the rows written in the same transaction: a ledger
  item without its 登记 event or audit row, a handover report whose entries do not match what was
  saved or whose status lacks its signature, a training session whose 应到/实到 counts do not match its
  attendee rows, a grant without its audit row or two grants in force for the same thing, an audit
  chain that does not verify. Plus SQLite's own ``integrity_check`` and ``foreign_key_check``.
"""
from __future__ import annotations

from collections import defaultdict

from desktop_app.accounts.audit import verify_chain

STATUS_RANK = {"草稿": 0, "已交班": 1, "已接班": 2}


def check_facts(db, facts: list[dict]) -> tuple[int, list[str]]:
    """(number of facts verified, problems). Later facts about the same record supersede earlier ones
    only where the record may legitimately change (status moves on, more events are appended)."""
    problems: list[str] = []
    ledger = {r["uid"]: r for r in db.query("SELECT id, uid, number, description, status FROM ledger_items")}
    events: dict[int, list[str]] = defaultdict(list)
    for r in db.query("SELECT item_id, event FROM ledger_events ORDER BY id"):
        events[r["item_id"]].append(r["event"])
    reports = {r["uid"]: r for r in db.query(
        "SELECT r.uid, r.status, r.notes, (SELECT count(*) FROM handover_entries e WHERE e.report_id = r.id) AS n"
        " FROM handover_reports r")}
    bedside = {r["uid"]: r["bedside_at"] for r in db.query("SELECT uid, bedside_at FROM handover_entries")}
    sessions = {r["uid"]: r for r in db.query(
        "SELECT uid, expected_count, present_count, attendance_recorded FROM training_sessions")}
    assessments = {r["uid"]: r["n"] for r in db.query(
        "SELECT a.uid, (SELECT count(*) FROM assessment_results x WHERE x.assessment_id = a.id) AS n FROM assessments a")}
    privileges = {r[0] for r in db.query("SELECT uid FROM surgeon_privileges")}
    for fact in facts:
        t, uid = fact["t"], fact.get("uid")
        where = f"{t} {uid}"
        if t == "ledger":
            row = ledger.get(uid)
            if row is None:
                problems.append(f"{where}: 问题台账记录丢失（{fact['number']}）")
            elif row["description"] != fact["description"] or row["number"] != fact["number"]:
                problems.append(f"{where}: 问题台账记录内容不符")
            elif events[row["id"]][: len(fact["events"])] != fact["events"]:
                problems.append(f"{where}: 整改过程丢失：应有 {fact['events']}，实有 {events[row['id']]}")
        elif t == "handover":
            row = reports.get(uid)
            if row is None:
                problems.append(f"{where}: 交接班记录丢失")
            elif row["n"] != fact["entries"]:
                problems.append(f"{where}: 患者条目 {row['n']} 条，保存时为 {fact['entries']} 条")
            elif STATUS_RANK[row["status"]] < STATUS_RANK[fact["status"]]:
                problems.append(f"{where}: 状态退回为“{row['status']}”（已确认“{fact['status']}”）")
        elif t == "bedside":
            if not bedside.get(uid):
                problems.append(f"{where}: 床旁交接记录丢失")
        elif t == "training":
            row = sessions.get(uid)
            if row is None:
                problems.append(f"{where}: 培训记录丢失")
            elif fact["present"] is not None and not row["attendance_recorded"]:
                problems.append(f"{where}: 签到记录丢失")
        elif t == "assessment":
            if assessments.get(uid) is None:
                problems.append(f"{where}: 考核记录丢失")
            elif assessments[uid] != fact["results"]:
                problems.append(f"{where}: 成绩 {assessments[uid]} 条，保存时为 {fact['results']} 条")
        elif t == "privilege":
            if uid not in privileges:
                problems.append(f"{where}: 手术授权记录丢失")
        else:
            problems.append(f"unknown fact {fact}")
    return len(facts), problems


def half_written(db) -> list[str]:
    """Everything in the file that could only exist if a transaction had been cut in half."""
    p: list[str] = []
    found = [r[0] for r in db.query("PRAGMA integrity_check")]
    if found != ["ok"]:
        p.append(f"integrity_check: {found[:3]}")
    fk = db.query("PRAGMA foreign_key_check")
    if fk:
        p.append(f"foreign_key_check: {[tuple(r) for r in fk[:3]]}")
    chain = verify_chain(db)
    if not chain.ok:
        p.append(chain.text())
    audited = defaultdict(set)
    for r in db.query("SELECT entity, entity_uid, action FROM audit_log WHERE entity_uid IS NOT NULL"):
        audited[(r["entity"], r["entity_uid"])].add(r["action"])
    timeline: dict[int, list] = defaultdict(list)
    for r in db.query("SELECT item_id, event, from_status, to_status FROM ledger_events ORDER BY id"):
        timeline[r["item_id"]].append(r)
    for r in db.query("SELECT id, uid, number, status, closed_on, closed_by FROM ledger_items"):
        events = timeline[r["id"]]
        if not events or events[0]["event"] != "登记":
            p.append(f"问题 {r['number']} 没有登记事件")
        if "create" not in audited[("ledger_item", r["uid"])]:
            p.append(f"问题 {r['number']} 没有审计记录")
        # the timeline is a chain: each step starts from the status the previous one ended in
        for a, b in zip(events, events[1:]):
            if b["from_status"] != a["to_status"] and b["from_status"] is not None:
                p.append(f"问题 {r['number']}：“{b['event']}”从“{b['from_status']}”出发，"
                         f"但上一步“{a['event']}”后已是“{a['to_status']}”（两人同时操作，后者按旧状态写入）")
                break
        if events and events[-1]["to_status"] not in (None, r["status"]):
            p.append(f"问题 {r['number']}：状态“{r['status']}”与最后一步“{events[-1]['event']}”的结果不符")
        if r["status"] != "已销号" and (r["closed_on"] or r["closed_by"]):
            p.append(f"问题 {r['number']}：状态“{r['status']}”却有销号日期")
    for r in db.query("SELECT r.*, (SELECT count(*) FROM handover_entries e WHERE e.report_id = r.id) AS n"
                      " FROM handover_reports r"):
        title = f"交接班 {r['date']} {r['shift_name']}"
        if r["notes"] and "条目" in r["notes"] and r["n"] != int(r["notes"].rsplit("条目", 1)[1]):
            p.append(f"{title}：患者条目 {r['n']} 条，保存时 {r['notes']}")
        if r["status"] != "草稿" and not (r["outgoing_name"] and r["outgoing_at"]):
            p.append(f"{title}：{r['status']}但没有交班签名")
        if r["status"] == "已接班" and not (r["receiving_name"] and r["receiving_at"]):
            p.append(f"{title}：已接班但没有接班签名")
        if r["status"] == "已接班" and db.scalar("SELECT count(*) FROM handover_entries WHERE report_id = ?"
                                                 " AND needs_bedside = 1 AND bedside_at IS NULL", (r["id"],)):
            p.append(f"{title}：已接班但缺床旁交接")
        if "create" not in audited[("handover", r["uid"])]:
            p.append(f"{title}：没有审计记录")
    p += _status_chains(db)
    for r in db.query(
            "SELECT s.id, s.uid, s.title, s.expected_count, s.present_count, s.attendance_recorded,"
            " (SELECT count(*) FROM training_attendees a WHERE a.session_id = s.id AND a.expected = 1) AS e,"
            " (SELECT count(*) FROM training_attendees a WHERE a.session_id = s.id AND a.present = 1) AS pr,"
            " (SELECT count(*) FROM training_attendees a WHERE a.session_id = s.id AND a.present IS NULL) AS unmarked"
            " FROM training_sessions s"):
        if (r["expected_count"], r["present_count"]) != (r["e"], r["pr"]):
            p.append(f"培训“{r['title']}”应到/实到 {r['expected_count']}/{r['present_count']}，"
                     f"签到名单 {r['e']}/{r['pr']}")
        if r["attendance_recorded"] and r["unmarked"]:
            p.append(f"培训“{r['title']}”已登记签到，但 {r['unmarked']} 人未标记")
        if not r["attendance_recorded"] and r["pr"]:
            p.append(f"培训“{r['title']}”未登记签到，却有 {r['pr']} 人到场")
        if "create" not in audited[("training", r["uid"])]:
            p.append(f"培训“{r['title']}”没有审计记录")
    for r in db.query("SELECT uid, title FROM assessments"):
        if "create" not in audited[("assessment", r["uid"])]:
            p.append(f"考核“{r['title']}”没有审计记录")
    for r in db.query("SELECT staff_id, coalesce(code, 'grade') AS what, count(*) AS n FROM surgeon_privileges"
                      " WHERE status = '有效' GROUP BY staff_id, coalesce(code, 'grade') HAVING n > 1"):
        p.append(f"医师 {r['staff_id']} 的“{r['what']}”同时有 {r['n']} 条有效授权")
    for r in db.query("SELECT uid, status, ended_on FROM surgeon_privileges"):
        if "create" not in audited[("surgeon_privilege", r["uid"])]:
            p.append(f"手术授权 {r['uid']} 没有审计记录")
        if r["status"] == "已替代" and not r["ended_on"]:
            p.append(f"手术授权 {r['uid']} 已替代但没有终止日期")
    return p


def _status_chains(db) -> list[str]:
    """In the audit log, each status change of a handover report or a grant starts from the status the
    previous one ended in (two computers changing the same record at once must not both succeed)."""
    import json

    out, last = [], {}
    for r in db.query("SELECT id, entity, entity_uid, before_json, after_json FROM audit_log"
                      " WHERE entity IN ('handover', 'surgeon_privilege') AND entity_uid IS NOT NULL ORDER BY id"):
        before = json.loads(r["before_json"]) if r["before_json"] else {}
        after = json.loads(r["after_json"]) if r["after_json"] else {}
        key = (r["entity"], r["entity_uid"])
        if "status" in before and key in last and before["status"] != last[key]:
            out.append(f"审计 {r['id']}：{r['entity']} {r['entity_uid'][:8]} 从“{before['status']}”改为"
                       f"“{after.get('status')}”，但此前已是“{last[key]}”")
        if "status" in after:
            last[key] = after["status"]
    return out
