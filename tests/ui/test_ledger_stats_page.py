"""台账统计 page: the figures equal the core's; the monthly chart paints, even with nothing to show."""
import datetime as dt

import pytest
from PySide6.QtGui import QColor

from desktop_app.accounts.permissions import Role
from desktop_app.ledger import service as ledger
from desktop_app.ledger import stats
from desktop_app.ledger.models import STATUSES
from ui.forms import set_date
from ui.pages.ledger_stats import CUSTOM, period_range
from ui.widgets.trend_chart import CLOSED_COLOUR, FOUND_COLOUR, TrendChart, month_label, nice_ticks

ANSWER = {"cause_analysis": "制度培训不到位", "measures": "重新培训并考核", "responsible_person": "张三"}


@pytest.fixture
def dataset(system, hospital, clock):
    """Five problems: one closed, one awaiting re-check, one in rectification; four overdue after 10 days."""
    made = []
    for found, dept, category, source in (
        ("2025-05-01", "内科一病区", "查对制度", "自查"),
        ("2026-09-05", "内科", "查对制度", "自查"),
        ("2026-10-05", "内科", "值班和交接班制度", "投诉"),
        ("2026-10-06", "外科", "查对制度", "自查"),
        ("2026-11-01", "外科", "查对制度", "不良事件"),
    ):
        made.append(ledger.register_item(system, {
            "found_on": found, "department_id": hospital.departments[dept], "category": category, "source": source,
            "description": "输液前未双人核对", "deadline": "2026-11-30"}))
    for item in made[1:4]:
        ledger.save_rectification(system, item.id, ANSWER)
    for item in made[1:3]:
        ledger.submit_for_recheck(system, item.id, {"progress": "已培训 32 人"})
    ledger.recheck(system, made[1].id, {"recheck_opinion": "已落实", "rechecker": "周明", "recheck_on": "2026-11-23"},
                   passed=True)
    clock.advance(days=10)  # 2026-12-03: past every deadline
    return made


def open_page(window_for, role=Role.QUALITY, department="内科"):
    window = window_for(role, department)
    window.navigate("ledger_stats")
    return window, window.page("ledger_stats")


def counts_row(name, c):
    return [name, *(str(c.by_status.get(s, 0)) for s in STATUSES), str(c.total), str(c.overdue),
            stats.percent(c.rectification_rate), stats.percent(c.closure_rate)]


def assert_page_shows_core(page, session):
    core = stats.ledger_stats(session, page.current_filter())
    o = core.overall
    assert page.card_values() == {"问题总数": str(o.total), "未销号": str(o.open), "已销号": str(o.closed),
                                  "整改率": stats.percent(o.rectification_rate), "销号率": stats.percent(o.closure_rate),
                                  "逾期": str(o.overdue)}
    for key in ("by_category", "by_department", "by_source", "by_severity"):
        expected = [counts_row(n, c) for n, c in getattr(core, key)]
        assert page.table_rows(key) == (expected + [counts_row("合计", o)] if expected else [])
    assert page.chart.months == core.monthly
    return core


def test_figures_equal_the_core_for_each_period_and_department(window_for, dataset, hospital):
    window, page = open_page(window_for)
    session = window.ctx.session
    assert page.period.currentText() == "本年"
    core = assert_page_shows_core(page, session)
    assert page.card_values()["问题总数"] == "4" and page.card_values()["逾期"] == "3"  # 2025's problem left out
    assert page.card_values()["整改率"] == "50.0%" and page.card_values()["销号率"] == "25.0%"
    assert page.table_rows("by_category")[0] == ["查对制度", "1", "1", "0", "1", "3", "2", "33.3%", "33.3%"]
    assert page.table_rows("by_category")[-1][0] == "合计"
    assert {m: (f, c) for m, f, c in core.monthly}["2026-10"] == (2, 0)

    page.period.setCurrentText("全部")
    assert_page_shows_core(page, session)
    assert page.card_values()["问题总数"] == "5" and page.card_values()["逾期"] == "4"

    page.department.setCurrentIndex(page.department.findData(hospital.departments["内科"]))
    assert_page_shows_core(page, session)
    assert page.card_values()["问题总数"] == "3"  # the ward under 内科 counts too
    assert [r[0] for r in page.table_rows("by_department")] == ["内科", "内科一病区", "合计"]

    page.department.setCurrentIndex(0)
    page.period.setCurrentText(CUSTOM)
    assert page.date_from.isVisibleTo(page)
    set_date(page.date_from, "2026-10-01")
    set_date(page.date_to, "2026-10-31")
    assert_page_shows_core(page, session)
    assert page.card_values()["问题总数"] == "2" and "2026-10-01 至 2026-10-31" in page.period_text.text()


def test_empty_period_shows_zeros_and_dashes(window_for, dataset):
    _window, page = open_page(window_for)
    page.period.setCurrentText(CUSTOM)
    set_date(page.date_from, "2020-01-01")
    set_date(page.date_to, "2020-03-31")
    assert page.card_values()["问题总数"] == "0" and page.card_values()["整改率"] == "—"
    assert page.table_rows("by_category") == []
    assert [f + c for _m, f, c in page.chart.months] == [0, 0, 0] and not page.chart.has_values()


def test_department_head_sees_own_department_only(window_for, dataset, hospital):
    window, page = open_page(window_for, Role.DEPT_HEAD, "内科")
    assert [page.department.itemText(i).strip() for i in range(page.department.count())] == [
        "本科室（含病区）", "内科", "内科一病区"]
    page.period.setCurrentText("全部")
    assert_page_shows_core(page, window.ctx.session)
    assert page.card_values()["问题总数"] == "3"


def test_changes_elsewhere_redraw_the_figures(window_for, dataset, hospital):
    window, page = open_page(window_for)
    before = int(page.card_values()["问题总数"])
    ledger.register_item(window.ctx.session, {
        "found_on": "2026-12-01", "department_id": hospital.departments["外科"], "category": "查对制度",
        "source": "自查", "description": "术前未核对", "deadline": "2026-12-30"})
    window.ctx.notify("ledger")
    assert int(page.card_values()["问题总数"]) == before + 1


def test_period_ranges():
    today = dt.date(2026, 3, 15)
    assert period_range("本年", today) == (dt.date(2026, 1, 1), today)
    assert period_range("本年上半年", today) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert period_range("去年全年", today) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert period_range("近 12 个月", today) == (dt.date(2025, 4, 1), today)
    assert period_range("近 12 个月", dt.date(2026, 12, 31)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert period_range("全部", today) == (None, None)


# ----------------------------------------------------------------------------- the chart


def colour_count(image, colour: QColor, rect=None) -> int:
    """Pixels of ``colour`` (every second one), in ``rect`` or the whole image."""
    rgb = colour.rgb()
    left, top, right, bottom = ((int(rect.left()), int(rect.top()), int(rect.right()), int(rect.bottom())) if rect
                                else (0, 0, image.width() - 1, image.height() - 1))
    return sum(1 for x in range(left, right + 1, 2) for y in range(top, bottom + 1, 2) if image.pixel(x, y) == rgb)


def paint(qtbot, months):
    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.resize(600, 240)
    chart.set_data(months)
    return chart, chart.grab().toImage()


def test_chart_draws_both_series_to_scale(qtbot):
    chart, image = paint(qtbot, [("2025-12", 4, 1), ("2026-01", 2, 0), ("2026-02", 0, 0)])
    plot = chart.plot_rect()
    assert colour_count(image, FOUND_COLOUR, plot) > 50 and colour_count(image, CLOSED_COLOUR, plot) > 10
    (dec_found, dec_closed), (jan_found, jan_closed), (feb_found, _feb_closed) = chart.bar_rects()
    assert dec_found.height() == pytest.approx(2 * jan_found.height())
    assert dec_found.height() == pytest.approx(4 * dec_closed.height())
    assert jan_closed.height() == 0 and feb_found.height() == 0
    assert dec_found.bottom() == pytest.approx(chart.plot_rect().bottom())
    assert chart.ticks() == [0, 1, 2, 3, 4, 5]
    assert [month_label(m, i == 0) for i, (m, _f, _c) in enumerate(chart.months)] == ["2025年12月", "2026年1月", "2月"]


def test_chart_without_data_still_paints_axes_and_a_message(qtbot):
    for months in ([], [(f"2026-{m:02d}", 0, 0) for m in range(1, 13)]):
        chart, image = paint(qtbot, months)
        plot = chart.plot_rect()  # no bars in the plot; the legend keeps its colour keys
        assert colour_count(image, FOUND_COLOUR, plot) == 0 and colour_count(image, CLOSED_COLOUR, plot) == 0
        assert colour_count(image, FOUND_COLOUR) > 0
        distinct = {image.pixel(x, y) for x in range(0, 600, 3) for y in range(0, 240, 3)}
        assert len(distinct) > 3  # axis, labels, legend: not a blank rectangle
        assert not chart.has_values()


def test_chart_with_one_month_and_many_months(qtbot):
    chart, image = paint(qtbot, [("2026-11", 7, 3)])
    [(found, closed)] = chart.bar_rects()
    assert found.height() > closed.height() > 0 and colour_count(image, FOUND_COLOUR, chart.plot_rect()) > 0
    assert found.width() <= 28  # one month: a slim bar, not a slab across the plot
    many = [(f"{2024 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}", m * 3, m) for m in range(1, 25)]
    chart, image = paint(qtbot, many)
    assert len(chart.bar_rects()) == 24 and colour_count(image, CLOSED_COLOUR, chart.plot_rect()) > 0
    assert chart.month_at(chart.bar_rects()[23][0].center().x()) == 23
    assert nice_ticks(72)[-1] >= 72


def test_chart_on_the_page_shows_the_bars(window_for, dataset):
    _window, page = open_page(window_for)
    page.period.setCurrentText("近 12 个月")
    image = page.chart.grab().toImage()
    assert image.width() > 300 and colour_count(image, FOUND_COLOUR, page.chart.plot_rect()) > 0
