"""Training fixtures: the built-in categories by code, and a helper to hold a session with an exam."""
import pytest

from desktop_app.training import service as training
from desktop_app.training.models import Audience


@pytest.fixture
def cats(system, hospital) -> dict[str, int]:
    return {c.code: c.id for c in training.list_categories(system)}


def hold(system, category_id, date, *, present=None, scores=None, audience=None, title="培训") -> int:
    """A session on ``date`` for ``audience`` (everyone), the ``present`` staff ids signed in (all if
    None), and an exam with ``scores`` {staff id: score or [score, make-up …]}. Returns the session id."""
    session = training.save_session(system, {"title": title, "category_id": category_id, "date": date,
                                             "audience": audience or Audience(everyone=True)})
    rows = [{"staff_id": a.staff_id, "present": present is None or a.staff_id in present} for a in session.attendees]
    training.record_attendance(system, session.id, rows)
    if scores:
        exam = training.save_assessment(system, {"session_id": session.id})
        results = []
        for staff_id, value in scores.items():
            for attempt, score in enumerate(value if isinstance(value, list) else [value], 1):
                results.append({"staff_id": staff_id, "score": score, "attempt": attempt})
        training.record_scores(system, exam.id, results)
    return session.id
