"""Power-cut-like crashes: a writer killed with SIGKILL at random moments loses nothing it reported as
saved and leaves nothing half-written (see drivers.crash_run and checks)."""
import pytest

from tests.reliability import drivers

FAST_KILLS = 25
SLOW_KILLS = 1000


def _assert_survived(fig, kills):
    assert not fig.problems, "\n".join(fig.problems)
    assert fig.kills == kills
    # the experiment must really have interrupted writes and verified saved ones
    assert fig.writes_verified > 0 and fig.mid_call > 0


def test_killed_writer_loses_nothing(tmp_path, template_db):
    fig = drivers.crash_run(tmp_path, FAST_KILLS, seed=11, template=template_db)
    _assert_survived(fig, FAST_KILLS)


@pytest.mark.slow
def test_killed_writer_loses_nothing_a_thousand_times(tmp_path, template_db):
    fig = drivers.crash_run(tmp_path, SLOW_KILLS, seed=2026, template=template_db)
    _assert_survived(fig, SLOW_KILLS)
    assert fig.mid_transaction > 0


def test_checks_see_a_lost_write_and_a_half_written_record(tmp_path, template_db):
    """The checks used above are not blind: a journalled record removed from the file, and a handover
    report stripped of its entries, are both reported."""
    from desktop_app.storage.database import open_database
    from tests.reliability import checks, workload

    db_path = workload.copy_database(template_db, tmp_path / "a.db")
    journal = tmp_path / "j.jsonl"
    tally = workload.run_worker(db_path, 0, 5, journal, drivers._clock(), seconds=1.5)
    assert tally.ops and not tally.user_errors
    facts = workload.read_journal(journal)
    db = open_database(db_path)
    try:
        assert checks.check_facts(db, facts)[1] == [] and checks.half_written(db) == []
        ledger = next(f for f in facts if f["t"] == "ledger")
        report = next(f for f in facts if f["t"] == "handover")
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("DELETE FROM ledger_events WHERE item_id = (SELECT id FROM ledger_items WHERE uid = ?)",
                   (ledger["uid"],))
        db.execute("DELETE FROM ledger_items WHERE uid = ?", (ledger["uid"],))
        db.execute("DELETE FROM handover_entries WHERE report_id = (SELECT id FROM handover_reports WHERE uid = ?)",
                   (report["uid"],))
        lost = checks.check_facts(db, facts)[1]
        assert any("问题台账记录丢失" in p for p in lost)
        assert any(report["uid"] in p and "患者条目 0 条" in p for p in lost)
        assert any("患者条目 0 条" in p for p in checks.half_written(db))
    finally:
        db.close()
