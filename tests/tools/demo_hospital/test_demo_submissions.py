"""The demo's submissions: past periods finalised by the 院长 before the deadline, one amended,
the next period left for the user."""
from __future__ import annotations

import datetime as dt

from desktop_app.submissions import service as submissions
from tests.tools.demo_hospital.conftest import login


def test_the_past_half_year_was_finalised_and_amended_once(demo_session, tmp_path):
    quality = login(demo_session, "zhikong")
    versions = submissions.list_submissions(quality)
    assert [(s.period_kind, s.first_day, s.version, s.final, s.superseded) for s in sorted(versions, key=lambda s: s.version)] == [
        ("上半年", "2026-01-01", 1, True, True), ("上半年", "2026-01-01", 2, True, False)]
    first, second = sorted(versions, key=lambda s: s.version)
    assert second.amends_id == first.id and "漏报" in second.amend_reason
    due = submissions.deadline(demo_session.db, "上半年", 2026)
    assert all(dt.date.fromisoformat(s.finalized_at[:10]) < due for s in versions)
    # the leader finalised, the archived original verifies, and its code reads back
    head = login(demo_session, "yuanzhang").actor.display_name
    assert {s.finalized_by for s in versions} == {head}
    pdf = tmp_path / "报送.pdf"
    pdf.write_bytes(submissions.stored_file(quality, second.id, "pdf"))
    result = submissions.verify_file(quality, pdf)
    assert result.ok and result.code == second.verification_code
    assert "已被新版本替代" in submissions.verify_code(quality, first.verification_code).message


def test_the_next_deadline_is_left_for_the_user(demo_session):
    upcoming = submissions.next_deadline(login(demo_session, "zhikong"))
    assert (upcoming["kind"], upcoming["year"], upcoming["submission"]) == ("全年", 2026, None)
    assert upcoming["days_left"] > 0


def test_the_same_seed_gives_the_same_verification_codes(demo_session, demo_again):
    from desktop_app.session import Session
    from desktop_app.storage.database import open_database

    codes = [s.verification_code for s in submissions.list_submissions(login(demo_session, "zhikong"))]
    with open_database(demo_again) as db:
        other = Session(db, demo_session.actor, demo_session.clock)
        again = [s.verification_code for s in submissions.list_submissions(login(other, "zhikong"))]
    assert codes == again and all(codes)
