"""半年/全年报送: what the role-matrix test calls (see tests/role_samples/__init__.py)."""
from __future__ import annotations

import desktop_app.session  # noqa: F401 - samples call desktop_app.session.SYSTEM_ACTOR


def build(system, h, users, folder) -> dict:
    """A finalised custom period, a draft ready to finalise, and a plain draft (the ledger gives them data)."""
    from desktop_app.submissions import service as sub

    narrative = {"工作开展情况": "a", "主要做法与亮点": "b", "存在问题": "c", "下一步计划": "d"}
    signers = {"填报人": "周明", "联系电话": "1", "审核人": "李", "单位负责人": "王"}
    manual = ("unplanned_reoperation", "postop_acquired", "adverse_event_reports", "principal_diagnosis_coding",
              "stemi_reperfusion", "stroke_reperfusion", "grade4_mdt")

    def ready(first, last):
        made = sub.create_submission(system, "自定义", first=first, last=last)
        return sub.save_submission(system, made.id, {"narrative": narrative, "signers": signers, "indicators": {
            k: {"numerator": 1, "denominator": 2} for k in manual}})

    final = sub.finalize(system, ready("2026-11-01", "2026-11-15").id)
    (folder / "报送.pdf").write_bytes(sub.stored_file(system, final.id, "pdf"))
    return {"final": final.id, "code": final.verification_code, "ready": ready("2026-11-01", "2026-11-20").id,
            "draft": sub.create_submission(system, "上半年", 2026).id}


def samples(ctx):
    from desktop_app.submissions import service as sub

    sm = ctx["submissions"]
    pdf = ctx["path"].parent / "报送.pdf"
    return {
        "submissions.service.next_deadline": lambda s: sub.next_deadline(s),
        "submissions.service.create_submission": lambda s: sub.create_submission(s, "全年", 2025),
        "submissions.service.save_submission": lambda s: sub.save_submission(s, sm["draft"], {"narrative": {"存在问题": "x"}}),
        "submissions.service.snapshot": lambda s: sub.snapshot(s, sm["draft"]),
        "submissions.service.finalize": lambda s: sub.finalize(s, sm["ready"]),
        "submissions.service.amend": lambda s: sub.amend(s, sm["final"], "更正"),
        "submissions.service.list_submissions": lambda s: sub.list_submissions(s),
        "submissions.service.get_submission": lambda s: sub.get_submission(s, sm["final"]),
        "submissions.service.stored_file": lambda s: sub.stored_file(s, sm["final"], "pdf"),
        "submissions.service.verify_file": lambda s: sub.verify_file(s, pdf),
        "submissions.service.verify_code": lambda s: sub.verify_code(s, sm["code"]),
    }


# 科室负责人 and clinicians hold no submission permission: nothing to aim at another department. The
# submission is the hospital's (the quality office drafts it, 院领导 finalise it).
HOSPITAL_WIDE: set[str] = set()
