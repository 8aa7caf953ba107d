"""Surgery fixtures: an approved catalogue in force since 2026-01-01 with procedures of every grade."""
import pytest

from desktop_app.surgery import catalogue as catalogues

PROCEDURES = [
    ("47.0901", "阑尾切除术", "一级", "外科", {}),
    ("51.2301", "腹腔镜下胆囊切除术", "2级", "外科", {"day_surgery": True, "minimally_invasive": True}),
    ("43.7x01", "胃大部切除伴胃空肠吻合术", "Ⅲ级", "外科", {}),
    ("52.7x01", "胰十二指肠切除术", "四级", "外科", {}),
    ("37.3401", "经皮心内膜射频消融术", "IV", "内科", {"restricted": True, "minimally_invasive": True}),
]


@pytest.fixture
def book(system, hospital):
    """The approved catalogue; ``book.codes`` by name."""
    cat = catalogues.create_catalogue(system, {"name": "手术分级管理目录（2026 年版）", "effective_date": "2026-01-01"})
    for code, name, grade, dept, flags in PROCEDURES:
        catalogues.save_procedure(system, cat.id, {"code": code, "name": name, "grade": grade,
                                                   "department_id": hospital.departments[dept], **flags})
    cat = catalogues.approve_catalogue(system, cat.id, "医疗质量与安全管理委员会", "2025-12-20", "2026-01-01")

    class Book:
        id = cat.id
        codes = {name: code.replace("x", "x") for code, name, *_ in PROCEDURES}
    return Book
