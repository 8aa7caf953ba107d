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

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.permissions import action
from desktop_app.accounts.scope import HOSPITAL
from desktop_app.errors import Finding
from desktop_app.ledger.manifest import CHECKLISTS_MANAGE, LEDGER_VIEW
from desktop_app.paths import resource_path
from desktop_app.session import Session
from desktop_app.textnorm import clean_prose, clean_text

audit.register_entity("checklist", "检查表", {"name": "名称", "version": "版本", "kind": "类型", "basis": "依据",
                                              "description": "说明", "active": "启用", "items": "检查要点数"})
audit.register_entity("checklist_item", "检查要点", {"code": "编号", "category": "类别", "text": "检查要点",
                                                     "method": "检查方法", "deduction": "扣分", "active": "启用"})

BUILTIN_FILES = ["2025-专项整治.json", "核心制度.json"]
KINDS = ["专项整治", "核心制度", "本院"]


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
        exists = db.execute("SELECT 1 FROM checklists WHERE name = ? AND version = ?",
                              (data["name"], data["version"])).fetchone()
        if exists:
            continue
        cur = db.execute(
            "INSERT INTO checklists (name, version, kind, basis, description, builtin, active, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?)",
            (data["name"], data["version"], data["kind"], data.get("basis"), data.get("description"), now, now),
        )
        checklist_id = cur.lastrowid
        for c_order, category in enumerate(data["categories"], start=1):
            cat = db.execute(
                "INSERT INTO checklist_categories (checklist_id, code, name, aliases, sort_order) VALUES (?, ?, ?, ?, ?)",
                (checklist_id, category["code"], category["name"],
                 json.dumps(category.get("aliases", []), ensure_ascii=False), c_order),
            )
            for i_order, item in enumerate(category["items"], start=1):
                db.execute(
                    "INSERT INTO checklist_items (checklist_id, category_id, code, text, method, deduction, sort_order)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (checklist_id, cat.lastrowid, item["code"], item["text"], item.get("method"),
                     float(item.get("deduction", 0)), i_order),
                )
        added += 1
    return added


# ----------------------------------------------------------------------------- reading


def _checklist(row) -> Checklist:
    return Checklist(row["id"], row["name"], row["version"], row["kind"], row["basis"], row["description"],
                     bool(row["builtin"]), bool(row["active"]), row["item_count"])


@action(LEDGER_VIEW, scope=HOSPITAL)
def list_checklists(session: Session, *, include_inactive: bool = False) -> list[Checklist]:
    where = "" if include_inactive else " WHERE c.active = 1"
    rows = session.db.query(
        "SELECT c.*, (SELECT count(*) FROM checklist_items i WHERE i.checklist_id = c.id AND i.active = 1) AS item_count"
        f" FROM checklists c{where} ORDER BY c.kind, c.name, c.version DESC"
    )
    return [_checklist(r) for r in rows]


@action(LEDGER_VIEW, scope=HOSPITAL)
def get_checklist(session: Session, checklist_id: int) -> Checklist:
    row = session.db.query_one(
        "SELECT c.*, (SELECT count(*) FROM checklist_items i WHERE i.checklist_id = c.id AND i.active = 1) AS item_count"
        " FROM checklists c WHERE c.id = ?", (checklist_id,))
    if row is None:
        raise errors.NotFound("该检查表不存在。")
    return _checklist(row)


def categories_of(db, checklist_id: int) -> list[Category]:
    rows = db.query("SELECT * FROM checklist_categories WHERE checklist_id = ? ORDER BY sort_order, id", (checklist_id,))
    return [Category(r["id"], r["checklist_id"], r["code"], r["name"], tuple(json.loads(r["aliases"] or "[]")))
            for r in rows]


@action(LEDGER_VIEW, scope=HOSPITAL)
def list_categories(session: Session, checklist_id: int) -> list[Category]:
    return categories_of(session.db, checklist_id)


def items_of(db, checklist_id: int, *, include_inactive: bool = False) -> list[ChecklistItem]:
    where = "" if include_inactive else " AND i.active = 1"
    rows = db.query(
        "SELECT i.*, c.name AS category FROM checklist_items i JOIN checklist_categories c ON c.id = i.category_id"
        f" WHERE i.checklist_id = ?{where} ORDER BY c.sort_order, i.sort_order, i.id",
        (checklist_id,),
    )
    return [ChecklistItem(r["id"], r["checklist_id"], r["category_id"], r["category"], r["code"], r["text"],
                          r["method"], r["deduction"], bool(r["active"])) for r in rows]


@action(LEDGER_VIEW, scope=HOSPITAL)
def list_items(session: Session, checklist_id: int, *, include_inactive: bool = False) -> list[ChecklistItem]:
    return items_of(session.db, checklist_id, include_inactive=include_inactive)


def all_category_names(db) -> list[str]:
    """Every category name known (checklists first, then any used in the ledger), for filters."""
    listed = [r[0] for r in db.query(
        "SELECT c.name FROM checklist_categories c JOIN checklists k ON k.id = c.checklist_id"
        " WHERE k.active = 1 ORDER BY k.builtin DESC, k.id, c.sort_order")]
    used = [r[0] for r in db.query("SELECT DISTINCT category FROM ledger_items ORDER BY category")]
    return list(dict.fromkeys(listed + used))


@action(LEDGER_VIEW, scope=HOSPITAL)
def category_names(session: Session) -> list[str]:
    return all_category_names(session.db)


def category_aliases(db) -> dict[str, str]:
    """Older or local names → the canonical category name (e.g. 首诊医师负责制度 → 首诊负责制度)."""
    out: dict[str, str] = {}
    for r in db.query("SELECT name, aliases FROM checklist_categories"):
        out[r["name"]] = r["name"]
        for alias in json.loads(r["aliases"] or "[]"):
            out.setdefault(alias, r["name"])
    return out


# ----------------------------------------------------------------------------- hospital's own


def _validate_checklist(db, values: dict, checklist_id: int | None = None) -> tuple[dict, list[Finding]]:
    clean = {
        "name": clean_text(values.get("name")),
        "version": clean_text(values.get("version")),
        "kind": clean_text(values.get("kind")) or "本院",
        "basis": clean_prose(values.get("basis")),
        "description": clean_prose(values.get("description")),
    }
    findings = []
    if not clean["name"]:
        findings.append(Finding("请填写检查表名称。", field="名称"))
    if not clean["version"]:
        findings.append(Finding("请填写版本，例如年份“2026”。", field="版本"))
    if clean["kind"] not in KINDS:
        findings.append(Finding("类型须为：" + "、".join(KINDS) + "。", field="类型"))
    if clean["name"] and clean["version"]:
        other = db.scalar("SELECT id FROM checklists WHERE name = ? AND version = ?", (clean["name"], clean["version"]))
        if other is not None and other != checklist_id:
            findings.append(Finding(f"已有“{clean['name']}（{clean['version']}）”，请换一个版本号。", field="版本"))
    return clean, findings


@action(CHECKLISTS_MANAGE, scope=HOSPITAL)
def create_checklist(session: Session, values: dict, categories: list[str]) -> Checklist:
    """A hospital's own checklist with the given categories (items are added afterwards)."""
    db = session.db
    clean, findings = _validate_checklist(db, values)
    names = [clean_text(c) for c in categories if clean_text(c)]
    if not names:
        findings.append(Finding("至少要有一个类别。", field="类别"))
    if len(set(names)) != len(names):
        findings.append(Finding("类别名称不能重复。", field="类别"))
    if findings:
        raise errors.ValidationError(findings)
    now = session.stamp()
    with db.transaction():
        cur = db.execute(
            "INSERT INTO checklists (name, version, kind, basis, description, builtin, active, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, 0, 1, ?, ?)",
            (clean["name"], clean["version"], clean["kind"], clean["basis"], clean["description"], now, now),
        )
        for order, name in enumerate(names, start=1):
            db.execute("INSERT INTO checklist_categories (checklist_id, code, name, sort_order) VALUES (?, ?, ?, ?)",
                       (cur.lastrowid, str(order), name, order))
        checklist = get_checklist(session, cur.lastrowid)
        audit.record(session, "create", "checklist", label=checklist.label(),
                     after={"name": clean["name"], "version": clean["version"], "kind": clean["kind"]})
    return checklist


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
    now = session.stamp()
    with db.transaction():
        cur = db.execute(
            "INSERT INTO checklists (name, version, kind, basis, description, builtin, active, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, 0, 1, ?, ?)",
            (clean["name"], clean["version"], clean["kind"], clean["basis"], clean["description"], now, now),
        )
        new_id = cur.lastrowid
        mapping = {}
        for cat in categories_of(db, checklist_id):
            c = db.execute(
                "INSERT INTO checklist_categories (checklist_id, code, name, aliases, sort_order)"
                " SELECT ?, code, name, aliases, sort_order FROM checklist_categories WHERE id = ?",
                (new_id, cat.id))
            mapping[cat.id] = c.lastrowid
        for item in items_of(db, checklist_id):
            db.execute(
                "INSERT INTO checklist_items (checklist_id, category_id, code, text, method, deduction, sort_order)"
                " SELECT ?, ?, code, text, method, deduction, sort_order FROM checklist_items WHERE id = ?",
                (new_id, mapping[item.category_id], item.id))
        checklist = get_checklist(session, new_id)
        audit.record(session, "create", "checklist", label=checklist.label(),
                     after={"name": checklist.name, "version": checklist.version, "items": checklist.item_count},
                     before=None)
    return checklist


def _validate_item(db, checklist_id: int, values: dict, item_id: int | None = None) -> tuple[dict, list[Finding]]:
    clean = {
        "category_id": values.get("category_id"),
        "code": clean_text(values.get("code")),
        "text": clean_prose(values.get("text")) or "",
        "method": clean_prose(values.get("method")),
        "deduction": values.get("deduction") or 0,
        "active": True if values.get("active") is None else bool(values.get("active")),
    }
    findings = []
    if not db.scalar("SELECT 1 FROM checklist_categories WHERE id = ? AND checklist_id = ?",
                     (clean["category_id"], checklist_id)):
        findings.append(Finding("请选择本检查表中的类别。", field="类别"))
    if not clean["text"]:
        findings.append(Finding("请填写检查要点。", field="检查要点"))
    elif len(clean["text"]) > 300:
        findings.append(Finding("检查要点不能超过 300 字。", field="检查要点"))
    try:
        clean["deduction"] = float(clean["deduction"])
        if not 0 <= clean["deduction"] <= 100:
            raise ValueError
    except (TypeError, ValueError):
        findings.append(Finding("扣分须为 0–100 之间的数字。", field="扣分"))
    if not clean["code"]:
        n = db.scalar("SELECT count(*) FROM checklist_items WHERE category_id = ?", (clean["category_id"],)) or 0
        code = db.scalar("SELECT code FROM checklist_categories WHERE id = ?", (clean["category_id"],)) or "0"
        clean["code"] = f"{code}.{n + 1}"
        while db.scalar("SELECT 1 FROM checklist_items WHERE checklist_id = ? AND code = ?", (checklist_id, clean["code"])):
            n += 1
            clean["code"] = f"{code}.{n + 1}"
    else:
        other = db.scalar("SELECT id FROM checklist_items WHERE checklist_id = ? AND code = ?",
                          (checklist_id, clean["code"]))
        if other is not None and other != item_id:
            findings.append(Finding(f"编号“{clean['code']}”已被使用。", field="编号"))
    return clean, findings


def _item_audit(db, item_id: int) -> dict:
    r = db.query_one("SELECT i.*, c.name AS category FROM checklist_items i"
                     " JOIN checklist_categories c ON c.id = i.category_id WHERE i.id = ?", (item_id,))
    return {"code": r["code"], "category": r["category"], "text": r["text"], "method": r["method"],
            "deduction": r["deduction"], "active": "是" if r["active"] else "否"}


@action(CHECKLISTS_MANAGE, scope=HOSPITAL)
def add_item(session: Session, checklist_id: int, values: dict) -> int:
    db = session.db
    get_checklist(session, checklist_id)
    clean, findings = _validate_item(db, checklist_id, values)
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        order = (db.scalar("SELECT max(sort_order) FROM checklist_items WHERE category_id = ?",
                           (clean["category_id"],)) or 0) + 1
        cur = db.execute(
            "INSERT INTO checklist_items (checklist_id, category_id, code, text, method, deduction, sort_order, active)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (checklist_id, clean["category_id"], clean["code"], clean["text"], clean["method"], clean["deduction"],
             order, int(clean["active"])),
        )
        audit.record(session, "create", "checklist_item", label=clean["code"], after=_item_audit(db, cur.lastrowid))
    return cur.lastrowid


@action(CHECKLISTS_MANAGE, scope=HOSPITAL)
def update_item(session: Session, item_id: int, values: dict) -> None:
    db = session.db
    row = db.query_one("SELECT * FROM checklist_items WHERE id = ?", (item_id,))
    if row is None:
        raise errors.NotFound("该检查要点不存在。")
    merged = {"category_id": row["category_id"], "code": row["code"], "text": row["text"], "method": row["method"],
              "deduction": row["deduction"], "active": bool(row["active"]), **values}
    clean, findings = _validate_item(db, row["checklist_id"], merged, item_id)
    if findings:
        raise errors.ValidationError(findings)
    with db.transaction():
        before = _item_audit(db, item_id)
        db.execute("UPDATE checklist_items SET category_id = ?, code = ?, text = ?, method = ?, deduction = ?, active = ?"
                   " WHERE id = ?", (clean["category_id"], clean["code"], clean["text"], clean["method"],
                                     clean["deduction"], int(clean["active"]), item_id))
        old, new = audit.diff(before, _item_audit(db, item_id))
        if new:
            audit.record(session, "update", "checklist_item", label=clean["code"], before=old, after=new)


@action(CHECKLISTS_MANAGE, scope=HOSPITAL)
def set_checklist_active(session: Session, checklist_id: int, active: bool) -> None:
    db = session.db
    checklist = get_checklist(session, checklist_id)
    if checklist.active == active:
        return
    with db.transaction():
        db.execute("UPDATE checklists SET active = ?, updated_at = ? WHERE id = ?",
                   (int(active), session.stamp(), checklist_id))
        audit.record(session, "update", "checklist", label=checklist.label(),
                     before={"active": "是" if checklist.active else "否"}, after={"active": "是" if active else "否"})
