"""The PDF kit: what a reader of the printed page sees (relies on poppler-utils)."""
import datetime as dt

import pytest

from desktop_app import errors
from desktop_app.reports.pdf import LANDSCAPE_MARGINS, PORTRAIT_MARGINS, Column, GroupRow, PdfReport, ReportInfo
from tests.reports import pdftools

INFO = ReportInfo(
    title="医疗质量安全自查问题台账", hospital="霍山县人民医院", period="统计期间：2026年1月—6月",
    filters=["科室：内科（含下属科室）", "状态：逾期未整改"], author="王管理",
    printed_at=dt.datetime(2026, 11, 23, 9, 30), internal=True, verification="校验码：3F9A-1C2B-77D0",
)
COLUMNS = [
    Column("序号", 4, "center"), Column("检查日期", 10, "center"), Column("问题描述", 30),
    Column("责任科室", 10, group="整改责任"), Column("责任人", 7, group="整改责任"), Column("整改时限", 10, "center"),
]
LONG_TEXT = "交接班记录未由交班人与接班人双方签名，危重患者未床旁交接，病区交班报告中病危患者生命体征记录不完整"


def ledger_rows(n: int) -> list:
    rows = []
    for i in range(1, n + 1):
        if i % 25 == 1:
            rows.append(GroupRow(f"第{i // 25 + 1}组"))
        text = LONG_TEXT if i == 3 else f"第{i}号问题：病历首页主要诊断编码错误"
        rows.append([i, dt.date(2026, 3, 5), text, "内科一病区", "张三", dt.date(2026, 4, 30)])
    return rows


def build(path, rows, *, landscape=False, info=INFO, progress=None):
    report = PdfReport(path, info, landscape=landscape)
    report.heading("一、问题清单")
    report.table(COLUMNS, rows)
    report.paragraph("以上问题已<书面>交办 & 限期整改。")
    report.signature_block()
    return report.build(progress)


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory):
    return build(tmp_path_factory.mktemp("pdf") / "台账.pdf", ledger_rows(120))


def test_chinese_heading_filters_and_author_are_printed(long_pdf):
    first = pdftools.pages(long_pdf)[0]
    assert "医疗质量安全自查问题台账" in first
    assert "霍山县人民医院" in first and "统计期间：2026年1月—6月" in first
    assert "筛选条件：科室：内科（含下属科室）；状态：逾期未整改" in first
    assert "制表：王管理" in first and "打印时间：2026-11-23 09:30" in first
    assert "一、问题清单" in first


def test_fonts_are_embedded_regular_and_bold(long_pdf):
    fonts = pdftools.fonts(long_pdf)
    assert {f["name"].split("+")[-1] for f in fonts} == {"NotoSansSC-Regular", "NotoSansSC-Bold"}
    assert all(f["emb"] == "yes" for f in fonts)


def test_every_page_has_page_numbers_mark_and_code(long_pdf):
    pages = pdftools.pages(long_pdf)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"第{number}页共{len(pages)}页" in pdftools.squash(text)
        assert "内部资料" in text
        assert "校验码：3F9A-1C2B-77D0" in text


def test_both_header_rows_repeat_above_the_data_on_every_page(long_pdf):
    _, words = pdftools.words(long_pdf)
    page_count = max(w.page for w in words)
    for page in range(1, page_count + 1):
        on_page = [w for w in words if w.page == page]
        first_data = min(w.y0 for w in on_page if w.text.startswith("第") and "号问题" in w.text)
        header = {w.text for w in on_page if w.y1 <= first_data}
        for label in ("序号", "检查日期", "问题描述", "整改责任", "责任科室", "责任人", "整改时限"):
            assert label in header, (page, label)


def test_every_row_is_printed_once_in_order(long_pdf):
    text = pdftools.flat(long_pdf)
    positions = [text.index(f"第{i}号问题") for i in range(1, 121) if i != 3]
    assert positions == sorted(positions)
    assert text.count("第120号问题") == 1


def test_long_cell_text_wraps_inside_its_column_and_nothing_leaves_the_page(long_pdf):
    (width, height), words = pdftools.words(long_pdf)
    first = [w for w in words if w.page == 1]
    left = next(w for w in first if w.text == "检查日期").x1
    right = next(w for w in first if w.text == "责任科室").x0
    column = sorted((w for w in first if w.x0 > left and w.x1 < right), key=lambda w: (w.y0, w.x0))
    assert LONG_TEXT in "".join(w.text for w in column)
    assert len({w.y0 for w in column if w.text[0] in LONG_TEXT}) >= 2  # wrapped onto several lines
    m = PORTRAIT_MARGINS
    footer_y = {w.page: w.y0 for w in words if w.text.startswith("校验码")}
    for w in words:
        if abs(w.y0 - footer_y[w.page]) < 3 or w.text == "内部资料":
            continue  # the footer and the mark sit in the margins by design
        assert m.left - 1 <= w.x0 and w.x1 <= width - m.right + 1, w
        assert m.top - 1 <= w.y0 and w.y1 <= height - m.bottom + 1, w


def test_text_is_printed_literally_not_as_markup(long_pdf):
    assert "以上问题已<书面>交办&限期整改。" in pdftools.flat(long_pdf)


def test_signature_block_labels_on_the_last_page(long_pdf):
    last = pdftools.pages(long_pdf)[-1]
    for label in ("填报人：", "联系电话：", "审核人：", "单位负责人（签字）：", "日期：", "单位（盖章）："):
        assert label in last


def test_landscape_is_a4_landscape_within_its_margins(tmp_path):
    info = ReportInfo(title="人员名册", hospital="霍山县人民医院", printed_at=dt.datetime(2026, 11, 23, 9, 30))
    path = build(tmp_path / "横向.pdf", ledger_rows(40), landscape=True, info=info)
    assert pdftools.page_size(path) == pytest.approx((297 / 25.4 * 72, 210 / 25.4 * 72), abs=0.5)
    (width, _), words = pdftools.words(path)
    table_words = [w for w in words if "页" not in w.text]
    assert min(w.x0 for w in table_words) >= LANDSCAPE_MARGINS.left - 1
    assert max(w.x1 for w in table_words) <= width - LANDSCAPE_MARGINS.right + 1
    text = pdftools.pages(path)[0]
    assert "筛选条件：全部" in text
    assert "内部资料" not in text


def test_empty_table_says_so(tmp_path):
    path = build(tmp_path / "空.pdf", [])
    assert "（无记录）" in pdftools.pages(path)[0]


def test_progress_reaches_the_end(tmp_path):
    calls = []
    build(tmp_path / "p.pdf", ledger_rows(60), progress=lambda done, total: calls.append((done, total)))
    assert len(calls) > 10
    assert calls[-1][0] == calls[-1][1]
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


@pytest.mark.parametrize("stop_after", [0, 5, 60, "end"])
def test_cancelling_leaves_no_file_and_keeps_the_old_one(tmp_path, stop_after):
    path = tmp_path / "台账.pdf"
    path.write_bytes(b"old report")
    calls = []

    def progress(done, total):
        calls.append(done)
        if done == total if stop_after == "end" else len(calls) > stop_after:
            raise errors.Cancelled()

    with pytest.raises(errors.Cancelled):
        build(path, ledger_rows(120), progress=progress)
    assert path.read_bytes() == b"old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["台账.pdf"]


def test_cancelling_a_new_file_leaves_nothing(tmp_path):
    def progress(done, total):
        if done > total // 2:  # during layout
            raise errors.Cancelled()

    with pytest.raises(errors.Cancelled):
        build(tmp_path / "新.pdf", ledger_rows(120), progress=progress)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_is_a_user_error(tmp_path):
    with pytest.raises(errors.UserError, match="无法在文件夹"):
        build(tmp_path / "没有这个文件夹" / "x.pdf", ledger_rows(3))



def test_signature_block_never_stands_alone_on_the_last_page(tmp_path):
    # across these lengths the end of the table falls at the foot of a page
    for n in range(20, 50):
        last = pdftools.pages(build(tmp_path / f"{n}.pdf", ledger_rows(n)))[-1]
        assert f"第{n}号问题" in pdftools.squash(last) and "单位（盖章）" in last, n


def test_group_heading_never_ends_a_page(tmp_path):
    row = [1, dt.date(2026, 3, 5), "问题", "内科", "张三", dt.date(2026, 4, 30)]
    for k in range(25, 50):  # one of these puts the second heading at the foot of page 1 or 2
        rows = [GroupRow("第一组"), *[row] * k, GroupRow("第二组"), *[row] * 5]
        for page in pdftools.pages(build(tmp_path / f"{k}.pdf", rows)):
            table_lines = [line.strip() for line in page.splitlines() if "2026-03-05" in line or "组" in line]
            assert "组" not in table_lines[-1], k


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
def test_a_long_verification_line_never_runs_into_the_page_number(tmp_path, landscape):
    from dataclasses import replace

    long = "霍山县人民医院 病区交班报告 2026年11月20日至2026年11月22日 · 打印：命令行（qledger） 2026-11-23 09:30"
    path = build(tmp_path / "x.pdf", ledger_rows(3), landscape=landscape, info=replace(INFO, verification=long))
    _size, words = pdftools.words(path)
    number = [w for w in words if w.page == 1 and w.text in ("第", "页")]
    footer = [w for w in words if w.page == 1 and w.y0 > number[0].y0 - 20 and w not in number and w.text != "1"
              and w.text != "共"]
    assert "打印：命令行（qledger）" in pdftools.squash(pdftools.pages(path)[0])  # printed whole, not cut
    for w in footer:
        overlaps_x = w.x0 < max(n.x1 for n in number) and w.x1 > min(n.x0 for n in number)
        overlaps_y = w.y0 < max(n.y1 for n in number) and w.y1 > min(n.y0 for n in number)
        assert not (overlaps_x and overlaps_y), w.text


def test_fields_grid_and_rows_tall_enough_to_write_in(tmp_path):
    report = PdfReport(tmp_path / "表.pdf", INFO, heading=False)
    report.fields([[("培训主题", "医疗质量安全核心制度培训（一）")], [("时间", "2026-11-20 14:30"), ("地点", "会议室")]])
    report.table([Column("序号", 6, "center"), Column("签名", 30)], [[n, ""] for n in range(1, 6)], row_height_mm=9)
    path = report.build()
    text = pdftools.squash(pdftools.pages(path)[0])
    assert "培训主题医疗质量安全核心制度培训（一）" in text and "时间2026-11-2014:30地点会议室" in text
    assert all(f["emb"] == "yes" for f in pdftools.fonts(path))  # no Helvetica for the grid's empty cells
    _size, words = pdftools.words(path)
    tops = sorted(w.y0 for w in words if w.text.isdigit() and w.text in "12345" and w.x0 < 150)
    assert min(b - a for a, b in zip(tops, tops[1:])) >= 9 * 72 / 25.4 - 0.5


# ----------------------------------------------------------------------------- the building blocks domain reports use


def grid_report(path, rows: int, *, progress=None):
    """A board as the roster prints it: a title row and a header that repeat, shaded columns, group rows."""
    from desktop_app.reports.pdf import Grid, mm, para, rich, style

    head, cell = style("head", 8.5, bold=True, align="center"), style("cell", 8.5, align="center", leading=10)
    report = PdfReport(path, INFO, landscape=True, heading=False)
    report.title("值班表")
    report.boxed("草稿　未发布，仅供排班核对，不得张贴", style("mark", 12, bold=True, align="center"))
    grid = Grid([30 * mm, 31 * mm] + [28 * mm] * 7, header_rows=2)
    grid.add_row([para("第 1 周　1月1日至1月7日", style("title", 9, bold=True))], span=True, shade=1)
    grid.add_row([para("岗位", head), para("班次", head)] + [rich(f"1月{d}日<br/>星期{'一二三四五六日'[d - 1]}", head)
                                                            for d in range(1, 8)])
    grid.line_below(rows=0)
    grid.shade(0.95, cols=(7, 8), rows=(2, -1))
    for n in range(1, rows + 1):
        if n % 10 == 1:
            grid.add_row([para(f"第{n // 10 + 1}组岗位", style("group", 9, bold=True))], span=True, shade=0.91,
                         keep_with_next=True)
        grid.add_row([para(f"岗位{n}号", cell), "白班"] + [para(f"值班人{n}-{d}", cell) for d in range(1, 8)])
    report.add(grid)
    report.seals(("医务科（盖章）", "院长（签字）"), (0.5, 0.5))
    return report.build(progress)


def test_a_grid_repeats_its_header_rows_and_keeps_group_rows_with_the_next(tmp_path):
    path = grid_report(tmp_path / "值班表.pdf", 90)
    pages = pdftools.pages(path)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        rows = [line for line in lines if "岗位" in line and "号" in line or "组岗位" in line]
        assert "第1周1月1日至1月7日" in pdftools.squash(page) and "星期日" in page, number  # title row and header repeat
        if number < len(pages):
            assert "组岗位" not in rows[-1], number  # a group row never ends a page
    text = pdftools.flat(path)
    assert [text.index(f"岗位{n}号") for n in range(1, 91)] == sorted(text.index(f"岗位{n}号") for n in range(1, 91))
    assert "草稿未发布，仅供排班核对，不得张贴" in text and "医务科（盖章）" in pdftools.squash(pages[-1])
    assert text.count("年月日") == 2  # a date line under each seal
    assert all(f["emb"] == "yes" for f in pdftools.fonts(path))  # the boxed line names no Helvetica either


def test_a_grid_stays_inside_the_margins(tmp_path):
    path = grid_report(tmp_path / "值班表.pdf", 30)
    (width, _height), words = pdftools.words(path)
    table = [w for w in words if "岗位" in w.text or w.text.startswith("值班人")]
    assert min(w.x0 for w in table) >= LANDSCAPE_MARGINS.left - 1
    assert max(w.x1 for w in table) <= width - LANDSCAPE_MARGINS.right + 1


def test_grid_rows_count_for_progress(tmp_path):
    calls = []
    grid_report(tmp_path / "p.pdf", 90, progress=lambda done, total: calls.append((done, total)))
    assert len(calls) > 5 and calls[-1][0] == calls[-1][1] and calls[0][1] > 90  # a call for each page at least
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_a_row_taller_than_a_page_is_split_inside_the_row_not_cut(tmp_path):
    from desktop_app.reports.pdf import Grid, mm, para, style

    cell = style("cell", 9)
    report = PdfReport(tmp_path / "长.pdf", INFO, heading=False)
    grid = Grid([20 * mm, 130 * mm], header_rows=1, valign="top", whole_rows=False)
    grid.add_row([para("床号", cell), para("交班内容", cell)])
    grid.add_row([[para("12", cell)], [para(f"第{n}行病情记录：生命体征平稳，继续观察", cell) for n in range(1, 121)]])
    report.add(grid)
    path = report.build()
    assert len(pdftools.pages(path)) >= 3
    text = pdftools.flat(path)
    assert all(text.count(f"第{n}行病情记录") == 1 for n in range(1, 121))


def test_together_rule_and_a_heading_that_needs_room(tmp_path):
    report = PdfReport(tmp_path / "通知.pdf", INFO, heading=False)
    for n in range(1, 4):
        report.paragraph(f"第{n}段：请按要求限期整改。")
    report.heading("签收回执", level=2, room_mm=200)  # less room than that left: starts the next page
    with report.together():
        report.rule(thickness=0.6, dashed=True, space_before_mm=8, space_after_mm=2)
        report.paragraph("已收到整改通知书。" * 30)
        report.signature_block(("签收人（签字）", "签收日期"), columns=2)
    pages = [pdftools.squash(p) for p in pdftools.pages(report.build())]
    assert len(pages) == 2 and "第3段" in pages[0] and "签收回执" not in pages[0]
    assert "签收回执" in pages[1] and "已收到整改通知书" in pages[1] and "签收日期" in pages[1]


def test_what_is_added_together_is_never_split_over_two_pages(tmp_path):
    for n in range(14, 24):  # one of these leaves room on page 1 for part of the block only
        report = PdfReport(tmp_path / f"{n}.pdf", INFO, heading=False)
        for k in range(1, n + 1):
            report.paragraph(f"第{k}段：请按要求限期整改。")
        with report.together():
            report.paragraph("回执开头。")
            for k in range(5):
                report.paragraph("已收到整改通知书，将按要求限期整改。")
            report.signature_block(("签收人（签字）", "签收日期"), columns=2)
        pages = [pdftools.squash(p) for p in pdftools.pages(report.build())]
        assert [("回执开头" in p, "签收日期" in p) for p in pages if "回执开头" in p or "签收日期" in p] == [(True, True)], n
