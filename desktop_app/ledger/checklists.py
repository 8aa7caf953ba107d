"""检查表: versioned checklists as data.

The national ones (the ten rectification categories of the 2025 campaign, the 18 core systems)
ship as JSON in ``resources/checklists`` and are copied into every database as built-in
versions; hospitals add their own items and whole checklists, and make a new version of a
checklist for a new campaign or year (the old version and the inspections that used it stay).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from desktop_app import errors, records
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL
from desktop_app.errors import Finding
from desktop_app.fields import Field, Fields
from desktop_app.ledger import repo
from desktop_app.ledger.manifest import CHECKLISTS_MANAGE, LEDGER_VIEW
from desktop_app.paths import resource_path
from desktop_app.session import Session
from desktop_app.textnorm import clean_prose, clean_text

BUILTIN_FILES = ["2025-专项整治.json", "核心制度.json"]
KINDS = ["专项整治", "核心制度", "本院"]

CHECKLIST_FIELDS = Fields(
    Field("name", "名称"), Field("version", "版本"), Field("kind", "类型"), Field("basis", "依据"),
    Field("description", "说明"), Field("active", "启用"), Field("item_count", "检查要点数"),
    Field("categories", "类别"),
)
ITEM_FIELDS = Fields(
    Field("code", "编号"), Field("category_id", "类别"), Field("text", "检查要点"), Field("method", "检查方法"),
    Field("deduction", "扣分"), Field("active", "启用"),
)


@dataclass(frozen=True)
class Checklist:
    id: int
    name: str
    version: str
    kind: str
    basis: str | None
    description: str | None
    builtin: bool
    active: bool
    item_count: int

    def label(self) -> str:
        return f"{self.name}（{self.version}）"


@dataclass(frozen=True)
class Category:
    id: int
    checklist_id: int
    code: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class ChecklistItem:
    id: int
    checklist_id: int
    category_id: int
    category: str
    code: str
    text: str
    method: str | None
    deduction: float
    active: bool


# ----------------------------------------------------------------------------- built-in data


def load_builtin_files() -> list[dict]:
    """The shipped checklists. A missing file means a broken installation (often an unzip tool that
    mangled the Chinese file names): refuse, rather than create or upgrade a database without them."""
    out = []
    for name in BUILTIN_FILES:
        path = resource_path("checklists", name)
        if not path.exists():
            raise errors.UserError(f"程序文件不完整：找不到内置检查表“{name}”（应在 {path.parent}）。数据未被修改；"
                                   "请重新安装本程序，或用 7-Zip 等能正确处理中文文件名的工具重新解压。")
        out.append(json.loads(path.read_text(encoding="utf-8")))
    return out


def install_builtin_checklists(db, now: str | None = None) -> int:
    """Copy the shipped checklists into the database (skipping versions already there).

    Runs inside an upgrade step or the creation of a database (the caller's transaction).
    Returns the number of checklists added.
    """
    now = now or dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    added = 0
    for data in load_builtin_files():
        if repo.checklist_named(db, data["name"], data["version"]) is not None:
            continue
        checklist_id = repo.add_checklist(db, {
            "name": data["name"], "version": data["version"], "kind": data["kind"], "basis": data.get("basis"),
            "description": data.get("description"), "builtin": True, "created_at": now, "updated_at": now})
        for c_order, category in enumerate(data["categories"], start=1):
            category_id = repo.add_category(db, checklist_id, category["code"], category["name"], c_order,
                                            json.dumps(category.get("aliases", []), ensure_ascii=False))
            for i_order, item in enumerate(category["items"], start=1):
                repo.add_checklist_item(db, {
                    "checklist_id": checklist_id, "category_id": category_id, "code": item["code"],
                    "text": item["text"], "method": item.get("method"), "deduction": float(item.get("deduction", 0)),
                    "sort_order": i_order})
        added += 1
    return added


# ----------------------------------------------------------------------------- reading


def _checklist(row) -> Checklist:
    return Checklist(row["id"], row["name"], row["version"], row["kind"], row["basis"], row["description"],
                     bool(row["builtin"]), bool(row["active"]), row["item_count"])


def _item(r) -> ChecklistItem:
    return ChecklistItem(r["id"], r["checklist_id"], r["category_id"], r["category"], r["code"], r["text"],
                         r["method"], r["deduction"], bool(r["active"]))


def _read_checklist(session: Session, checklist_id: int) -> Checklist | None:
    rows = repo.checklist_rows(session.db, checklist_id=checklist_id)
    return _checklist(rows[0]) if rows else None


def _read_item(session: Session, item_id: int) -> ChecklistItem | None:
    rows = repo.item_rows(session.db, item_id=item_id)
    return _item(rows[0]) if rows else None


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


CHECKLIST = records.Entity(
    "checklist", "检查表", "checklists", read=_read_checklist, describe=Checklist.label,
    audit_values=lambda c: {"name": c.name, "version": c.version, "kind": c.kind, "basis": c.basis,
                            "description": c.description, "active": _yes(c.active), "item_count": c.item_count},
    field_labels=CHECKLIST_FIELDS.labels())
CHECKLIST_ITEM = records.Entity(
    "checklist_item", "检查要点", "checklist_items", read=_read_item, describe=lambda i: i.code, stamped=False,
    audit_values=lambda i: {"code": i.code, "category_id": i.category, "text": i.text, "method": i.method,
                            "deduction": i.deduction, "active": _yes(i.active)},
    field_labels=ITEM_FIELDS.labels())


@action(LEDGER_VIEW, scope=HOSPITAL)
def list_checklists(session: Session, *, include_inactive: bool = False) -> list[Checklist]:
    return [_checklist(r) for r in repo.checklist_rows(session.db, include_inactive=include_inactive)]


@action(LEDGER_VIEW, scope=HOSPITAL)
def get_checklist(session: Session, checklist_id: int) -> Checklist:
    checklist = _read_checklist(session, checklist_id)
    if checklist is None:
        raise errors.NotFound("该检查表不存在。")
    return checklist


def categories_of(db, checklist_id: int) -> list[Category]:
    return [Category(r["id"], r["checklist_id"], r["code"], r["name"], tuple(json.loads(r["aliases"] or "[]")))
            for r in repo.category_rows(db, checklist_id)]


@action(LEDGER_VIEW, scope=HOSPITAL)
def list_categories(session: Session, checklist_id: int) -> list[Category]:
    return categories_of(session.db, checklist_id)


def items_of(db, checklist_id: int, *, include_inactive: bool = False) -> list[ChecklistItem]:
    return [_item(r) for r in repo.item_rows(db, checklist_id, include_inactive=include_inactive)]


@action(LEDGER_VIEW, scope=HOSPITAL)
def list_items(session: Session, checklist_id: int, *, include_inactive: bool = False) -> list[ChecklistItem]:
    return items_of(session.db, checklist_id, include_inactive=include_inactive)


def all_category_names(db) -> list[str]:
    """Every category name known (checklists first, then any used in the ledger), for filters."""
    return repo.listed_category_names(db)


@action(LEDGER_VIEW, scope=HOSPITAL)
def category_names(session: Session) -> list[str]:
    return all_category_names(session.db)


def category_aliases(db) -> dict[str, str]:
    """Older or local names → the canonical category name (e.g. 首诊医师负责制度 → 首诊负责制度)."""
    out: dict[str, str] = {}
    for r in repo.category_alias_rows(db):
        out[r["name"]] = r["name"]
        for alias in json.loads(r["aliases"] or "[]"):
            out.setdefault(alias, r["name"])
    return out


# ----------------------------------------------------------------------------- hospital's own


def _validate_checklist(db, values: dict, checklist_id: int | None = None) -> tuple[dict, list[Finding]]:
    F = CHECKLIST_FIELDS
    clean = {
        "name": clean_text(values.get("name")),
        "version": clean_text(values.get("version")),
        "kind": clean_text(values.get("kind")) or "本院",
        "basis": clean_prose(values.get("basis")),
        "description": clean_prose(values.get("description")),
    }
    findings = []
    if not clean["name"]:
        findings.append(F.finding("name", "请填写检查表名称。"))
    if not clean["version"]:
        findings.append(F.finding("version", "请填写版本，例如年份“2026”。"))
    if clean["kind"] not in KINDS:
        findings.append(F.finding("kind", "类型须为：" + "、".join(KINDS) + "。"))
    if clean["name"] and clean["version"]:
        other = repo.checklist_named(db, clean["name"], clean["version"])
        if other is not None and other != checklist_id:
            findings.append(F.finding("version", f"已有“{clean['name']}（{clean['version']}）”，请换一个版本号。"))
    return clean, findings


@action(CHECKLISTS_MANAGE, scope=HOSPITAL)
def create_checklist(session: Session, values: dict, categories: list[str]) -> Checklist:
    """A hospital's own checklist with the given categories (items are added afterwards)."""
    db = session.db
    clean, findings = _validate_checklist(db, values)
    names = [clean_text(c) for c in categories if clean_text(c)]
    if not names:
        findings.append(CHECKLIST_FIELDS.finding("categories", "至少要有一个类别。"))
    if len(set(names)) != len(names):
        findings.append(CHECKLIST_FIELDS.finding("categories", "类别名称不能重复。"))
    if findings:
        raise errors.ValidationError(findings)

    def add_categories(checklist_id: int) -> None:
        for order, name in enumerate(names, start=1):
            repo.add_category(db, checklist_id, str(order), name, order)

    with db.transaction():
        return records.create(session, CHECKLIST, {**clean, "builtin": False}, then=add_categories)


@action(CHECKLISTS_MANAGE, scope=HOSPITAL)
def new_version(session: Session, checklist_id: int, version: str, *, name: str | None = None) -> Checklist:
    """Copy a checklist (categories and active items) as a new version for a new campaign or year."""
    db = session.db
    source = get_checklist(session, checklist_id)
    clean, findings = _validate_checklist(db, {"name": name or source.name, "version": version,
                                               "kind": source.kind, "basis": source.basis,
                                               "description": source.description})
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        return records.create(session, CHECKLIST, {**clean, "builtin": False},
                              then=lambda new_id: repo.copy_checklist_contents(db, checklist_id, new_id))


def _validate_item(db, checklist_id: int, values: dict, item_id: int | None = None) -> tuple[dict, list[Finding]]:
    F = ITEM_FIELDS
    clean = {
        "category_id": values.get("category_id"),
        "code": clean_text(values.get("code")),
        "text": clean_prose(values.get("text")) or "",
        "method": clean_prose(values.get("method")),
        "deduction": values.get("deduction") or 0,
        "active": True if values.get("active") is None else bool(values.get("active")),
    }
    findings = []
    if not repo.category_in_checklist(db, clean["category_id"], checklist_id):
        findings.append(F.finding("category_id", "请选择本检查表中的类别。"))
    if not clean["text"]:
        findings.append(F.finding("text", "请填写检查要点。"))
    elif len(clean["text"]) > 300:
        findings.append(F.finding("text", "检查要点不能超过 300 字。"))
    try:
        clean["deduction"] = float(clean["deduction"])
        if not 0 <= clean["deduction"] <= 100:
            raise ValueError
    except (TypeError, ValueError):
        findings.append(F.finding("deduction", "扣分须为 0–100 之间的数字。"))
    if not clean["code"]:
        clean["code"] = repo.next_item_code(db, checklist_id, clean["category_id"])
    else:
        other = repo.item_with_code(db, checklist_id, clean["code"])
        if other is not None and other != item_id:
            findings.append(F.finding("code", f"编号“{clean['code']}”已被使用。"))
    return clean, findings


@action(CHECKLISTS_MANAGE, scope=HOSPITAL)
def add_item(session: Session, checklist_id: int, values: dict) -> int:
    db = session.db
    get_checklist(session, checklist_id)
    clean, findings = _validate_item(db, checklist_id, values)
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        order = repo.next_item_order(db, clean["category_id"])
        return records.create(session, CHECKLIST_ITEM, {**clean, "checklist_id": checklist_id, "sort_order": order}).id


@action(CHECKLISTS_MANAGE, scope=HOSPITAL)
def update_item(session: Session, item_id: int, values: dict) -> None:
    db = session.db
    before = _read_item(session, item_id)
    if before is None:
        raise errors.NotFound("该检查要点不存在。")
    merged = {"category_id": before.category_id, "code": before.code, "text": before.text, "method": before.method,
              "deduction": before.deduction, "active": before.active, **values}
    clean, findings = _validate_item(db, before.checklist_id, merged, item_id)
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        records.change(session, CHECKLIST_ITEM, before, clean)


@action(CHECKLISTS_MANAGE, scope=HOSPITAL)
def set_checklist_active(session: Session, checklist_id: int, active: bool) -> None:
    checklist = get_checklist(session, checklist_id)
    if checklist.active == active:
        return
    with session.db.transaction():
        records.change(session, CHECKLIST, checklist, {"active": active})
