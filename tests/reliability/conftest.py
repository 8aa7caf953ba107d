import pytest


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """The database the crash and concurrency runs start from (built once; each run copies it)."""
    from desktop_app.clock import FixedClock
    from tests.conftest import TODAY
    from tests.reliability import workload

    path = tmp_path_factory.mktemp("reliability") / "template.db"
    workload.build_template(path, FixedClock(TODAY))
    return path
