"""The one from–to check every list, statistic and printout uses (desktop_app/periods.py)."""
import datetime as dt

import pytest

from desktop_app import errors
from desktop_app.handover import service as handover
from desktop_app.periods import date_range, period_findings
from desktop_app.surgery import operations
from desktop_app.training import service as training


def test_a_period_as_people_write_it_is_an_iso_pair():
    assert date_range("2026/11/1", "2026年11月30日") == ("2026-11-01", "2026-11-30")
    assert date_range(dt.date(2026, 11, 1), "２０２６-11-01") == ("2026-11-01", "2026-11-01")


def test_every_problem_names_its_field_and_says_what_to_write():
    with pytest.raises(errors.ValidationError) as caught:
        date_range(None, "十一月底")
    assert [(f.field, f.message) for f in caught.value.findings] == [
        ("开始日期", "请填写开始日期，例如 2026-03-05。"),
        ("结束日期", "结束日期“十一月底”无法识别，请写成 2026-03-05（也可写 2026/3/5 或 2026年3月5日）。"),
    ]
    with pytest.raises(errors.ValidationError) as caught:
        date_range("2026-11-30", "2026-11-01")
    assert caught.value.message == "“结束日期”：结束日期不能早于开始日期（现为 2026-11-30 至 2026-11-01），请改正其中一个日期。"


def test_a_form_names_its_own_fields_and_the_period():
    first, last, found = period_findings("2026-06-30", "2026-01-01", fields=("评估期间", "评估期间"), what="评估期间")
    assert (first, last) == (dt.date(2026, 6, 30), dt.date(2026, 1, 1))
    assert [(f.field, f.message) for f in found] == [
        ("评估期间", "评估期间的结束日期不能早于开始日期（现为 2026-06-30 至 2026-01-01），请改正其中一个日期。")]


@pytest.mark.parametrize("call", [
    lambda s: handover.list_reports(s, "nurse", "2026-11-30", "2026-11-01"),
    lambda s: training.list_sessions(s, "2026-11-30", "2026-11-01"),
    lambda s: operations.unprivileged(s, "2026-11-30", "2026-11-01"),
])
def test_the_domains_share_it(system, call):
    with pytest.raises(errors.ValidationError, match="结束日期不能早于开始日期（现为 2026-11-30 至 2026-11-01）"):
        call(system)
