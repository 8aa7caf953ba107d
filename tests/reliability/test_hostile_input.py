"""Hostile input (Hypothesis): every form's save function and every Excel importer get wrong types, huge
strings, control characters, formulas, emoji, NaN, malformed files — the program answers only with user
errors, writes nothing when it refuses, and names the row of every bad cell (see hostile.py)."""
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.storage.database import open_database
from tests.reliability import hostile

FAST = 25  # examples per form / spreadsheet files
SLOW = 400
_SETTINGS = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def place(tmp_path_factory, template_db):
    """A copy of the workload template with the ids the forms need (shared by the module's examples)."""
    from desktop_app.clock import FixedClock
    from tests.conftest import TODAY

    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "hostile.db"
    shutil.copyfile(template_db, path)
    db = open_database(path)
    clock = FixedClock(TODAY)
    ctx = hostile.form_context(db, clock)
    yield db, clock, ctx, folder
    db.close()


def _form_test(examples):
    @pytest.mark.parametrize("form", list(hostile.forms({k: 1 for k in (
        "dept", "ward", "surgery", "surgeon", "nurse", "category", "item", "report", "session", "assessment",
        "draft")})))
    def test(place, form):
        db, clock, ctx, _ = place
        fn, good = hostile.forms(ctx)[form]

        @settings(max_examples=examples, **_SETTINGS)
        @given(hostile.form_values(good))
        def run(values):
            hostile.try_form(db, clock, form, fn, values)

        run()
    return test


test_forms_answer_hostile_values_with_user_errors_only = _form_test(FAST)
test_forms_answer_hostile_values_with_user_errors_only_long = pytest.mark.slow(_form_test(SLOW))


def _files_test(examples):
    def test(place):
        db, clock, ctx, folder = place
        counter = iter(range(10**9))

        @settings(max_examples=examples, **_SETTINGS)
        @given(hostile.workbooks(), st.booleans())
        def run(rows, formulas):
            path = hostile.write_rows(folder / f"fuzz{next(counter)}.xlsx", rows, formulas=formulas)
            hostile.feed(db, clock, ctx, path)

        run()
    return test


test_importers_answer_hostile_spreadsheets_with_user_errors_only = _files_test(FAST)
test_importers_answer_hostile_spreadsheets_with_user_errors_only_long = pytest.mark.slow(_files_test(SLOW))


def test_importers_refuse_files_that_are_not_what_they_say(place):
    db, clock, ctx, folder = place
    files = hostile.malformed_files(folder / "malformed")
    before = hostile.fingerprint(db)
    for path in files.values():
        hostile.feed(db, clock, ctx, path)
    assert hostile.fingerprint(db) == before


@pytest.mark.slow
def test_importers_refuse_fifty_thousand_and_one_rows(place):
    db, clock, ctx, folder = place
    path = hostile.fifty_thousand_rows(folder / "50001.xlsx")
    before = hostile.fingerprint(db)
    hostile.feed(db, clock, ctx, path)
    assert hostile.fingerprint(db) == before
