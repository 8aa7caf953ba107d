"""Two programs, one file: several processes writing at once lose nothing and see nothing worse than
the calm busy/locked class — and a busy BEGIN IMMEDIATE is tried again a bounded number of times."""
import pytest

from desktop_app import errors
from desktop_app.storage import database
from desktop_app.storage.database import open_database
from tests.reliability import drivers

FAST = (3, 12.0)  # processes, seconds
SLOW = (4, 240.0)
CALM = ("本次没有写入", "已经存在", "不能", "当前为")  # a Conflict over a record another computer just changed


def _assert_clean(fig):
    assert not fig.problems, "\n".join(fig.problems)
    assert fig.user_errors == []
    assert fig.ops > 0 and fig.writes_verified > 0 and fig.backups > 0


def test_processes_writing_to_one_file(tmp_path, template_db):
    fig = drivers.concurrent_run(tmp_path, *FAST, template=template_db)
    _assert_clean(fig)


@pytest.mark.slow
def test_processes_writing_to_one_file_for_minutes(tmp_path, template_db):
    fig = drivers.concurrent_run(tmp_path, *SLOW, template=template_db)
    _assert_clean(fig)


def _assert_only_calm_conflicts(fig):
    assert not fig.problems, "\n".join(fig.problems)
    assert fig.ops > 0 and fig.writes_verified > 0
    odd = [e for e in fig.user_errors if not (e.startswith("Conflict: ") and any(w in e for w in CALM))]
    assert odd == []


def test_processes_working_on_the_same_records(tmp_path, template_db):
    """Same ward, same surgeon, the same newest records: one of two simultaneous signatures, re-checks or
    suspensions wins, the other is told calmly that nothing was written — none is signed over."""
    fig = drivers.concurrent_run(tmp_path, 3, 10.0, template=template_db, shared=True)
    _assert_only_calm_conflicts(fig)


@pytest.mark.slow
def test_processes_working_on_the_same_records_for_minutes(tmp_path, template_db):
    fig = drivers.concurrent_run(tmp_path, *SLOW, template=template_db, shared=True)
    _assert_only_calm_conflicts(fig)


def _insert(db, name):
    db.execute("INSERT INTO departments (name, kind, created_at, updated_at) VALUES (?, '职能', '', '')", (name,))


@pytest.fixture
def holder(db_path, db):
    """Another connection to the file, holding the write lock (as another computer saving would)."""
    other = open_database(db_path)
    other.conn.execute("PRAGMA busy_timeout = 50")
    db.conn.execute("BEGIN IMMEDIATE")
    yield other
    if db.conn.in_transaction:
        db.conn.execute("ROLLBACK")
    other.close()


def test_busy_begin_is_tried_again_and_succeeds_when_the_lock_is_released(db, holder, monkeypatch):
    pauses = []

    def pause(seconds):  # the other computer finishes its save while this one pauses
        pauses.append(seconds)
        db.conn.execute("ROLLBACK")

    monkeypatch.setattr(database.time, "sleep", pause)
    with holder.transaction():
        _insert(holder, "重试后写入")
    assert len(pauses) == 1 and holder.busy_retries == 1
    assert db.scalar("SELECT count(*) FROM departments WHERE name = '重试后写入'") == 1


def test_busy_begin_gives_up_after_bounded_retries_with_the_calm_message(db, holder, monkeypatch):
    pauses = []
    monkeypatch.setattr(database.time, "sleep", pauses.append)
    with pytest.raises(errors.DatabaseBusy, match="本次操作没有写入。请稍候几秒再试"):
        with holder.transaction():
            _insert(holder, "不应写入")
    assert len(pauses) == database.BUSY_RETRIES == holder.busy_retries
    db.conn.execute("ROLLBACK")
    assert db.scalar("SELECT count(*) FROM departments WHERE name = '不应写入'") == 0


def test_other_errors_at_begin_are_not_retried(db, monkeypatch):
    pauses = []
    monkeypatch.setattr(database.time, "sleep", pauses.append)
    db.conn.execute("BEGIN")  # a transaction already open on this connection: BEGIN fails, not busy
    try:
        with pytest.raises(Exception) as exc:
            with db.transaction():
                pass
        assert not isinstance(exc.value, errors.StorageEnvironmentError) and pauses == []
    finally:
        db.conn.execute("ROLLBACK")
