"""Long work (exports, imports, backups, checks) off the GUI thread.

A job is ``work(session, progress) -> result``. It runs in the thread pool on its own database
connection (a sqlite3 connection belongs to the thread that made it), reports progress with
``progress(done, total)``, and is cancelled by the user through the progress dialog, which
appears only if the job takes longer than half a second. Failures reach the user through
:func:`ui.errors.show_error`; nothing is swallowed.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop_app.errors import Cancelled
from ui.errors import show_error

_running: set["Job"] = set()


def active_jobs() -> int:
    return len(_running)


class _Signals(QObject):
    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)


class Job(QRunnable):
    def __init__(self, ctx, work: Callable, *, uses_db: bool = True):
        super().__init__()
        self.setAutoDelete(False)
        self.ctx = ctx
        self.work = work
        self.uses_db = uses_db
        self.cancelled = False
        self.signals = _Signals()

    def _progress(self, done: int, total: int) -> None:
        if self.cancelled:
            raise Cancelled()
        self.signals.progress.emit(int(done), int(total))

    def run(self) -> None:
        db = None
        try:
            session = self.ctx.session
            if self.uses_db:
                db = session.db.reopen()
                session = session.on(db)
            result = self.work(session, self._progress)
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            if db is not None:
                db.close()


def run_job(
    parent: QWidget,
    ctx,
    title: str,
    work: Callable,
    on_success: Callable | None = None,
    *,
    on_failure: Callable | None = None,
    cancellable: bool = True,
    uses_db: bool = True,
) -> Job:
    job = Job(ctx, work, uses_db=uses_db)
    dialog = QProgressDialog(title, "取消" if cancellable else None, 0, 0, parent)
    dialog.setWindowTitle("请稍候")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(500)  # appears only for work that takes a while
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)

    def on_progress(done: int, total: int) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))

    def finish() -> None:
        _running.discard(job)
        dialog.close()
        dialog.deleteLater()

    def succeeded(result) -> None:
        finish()
        if on_success is not None:
            on_success(result)

    def failed(exc) -> None:
        finish()
        if on_failure is not None:
            on_failure(exc)
        show_error(parent, exc)

    def cancel() -> None:
        job.cancelled = True
        dialog.setLabelText("正在取消…")

    dialog.canceled.connect(cancel)
    job.signals.progress.connect(on_progress)
    job.signals.succeeded.connect(succeeded)
    job.signals.failed.connect(failed)
    _running.add(job)
    QThreadPool.globalInstance().start(job)
    return job
