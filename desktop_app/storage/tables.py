"""Writing rows: the one place that builds INSERT, UPDATE and DELETE statements.

Domain repos say what they change — ``tables.insert(db, "ledger_items", values)`` — and this
module writes the SQL, the same text for every engine the program runs on. Table and column
names come from the program's code, never from users; they are still checked to be plain
identifiers. Python booleans are stored as the schema's 0/1 flags.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def _name(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a table or column name: {name!r}")
    return name


def _value(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def _where(key: int | Mapping[str, Any]) -> tuple[str, list]:
    conditions = {"id": key} if isinstance(key, int) else dict(key)
    if not conditions:
        raise ValueError("a write needs a WHERE condition")
    parts, params = [], []
    for column, value in conditions.items():
        if value is None:
            parts.append(f"{_name(column)} IS NULL")
        else:
            parts.append(f"{_name(column)} = ?")
            params.append(_value(value))
    return " AND ".join(parts), params


def insert(db, table: str, values: Mapping[str, Any], *, returning: str | None = "id") -> Any:
    """Insert one row; returns its ``returning`` column (the new id), or None."""
    columns = [_name(c) for c in values]
    sql = (f"INSERT INTO {_name(table)} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
           + (f" RETURNING {_name(returning)}" if returning else ""))
    cursor = db.execute(sql, [_value(v) for v in values.values()])
    return cursor.fetchone()[0] if returning else None


def insert_many(db, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    names = [_name(c) for c in columns]
    db.execute_many(f"INSERT INTO {_name(table)} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                    ([_value(v) for v in row] for row in rows))


def update(db, table: str, key: int | Mapping[str, Any], values: Mapping[str, Any]) -> int:
    """Update the rows matching ``key`` (an id, or column → value, None meaning IS NULL); returns
    how many rows changed — 0 tells the caller the row was not as expected."""
    if not values:
        return 0
    where, params = _where(key)
    sets = ", ".join(f"{_name(c)} = ?" for c in values)
    cursor = db.execute(f"UPDATE {_name(table)} SET {sets} WHERE {where}",
                        [*(_value(v) for v in values.values()), *params])
    return cursor.rowcount


def exists(db, table: str, key: int | Mapping[str, Any]) -> bool:
    where, params = _where(key)
    return db.scalar(f"SELECT 1 FROM {_name(table)} WHERE {where}", params) is not None


def delete(db, table: str, key: int | Mapping[str, Any]) -> int:
    where, params = _where(key)
    return db.execute(f"DELETE FROM {_name(table)} WHERE {where}", params).rowcount


def upsert(db, table: str, values: Mapping[str, Any], conflict: Sequence[str]) -> None:
    """Insert, or update the row with the same ``conflict`` columns (a unique key)."""
    columns = [_name(c) for c in values]
    keys = [_name(c) for c in conflict]
    sets = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
    db.execute(f"INSERT INTO {_name(table)} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
               f" ON CONFLICT ({', '.join(keys)}) DO " + (f"UPDATE SET {sets}" if sets else "NOTHING"),
               [_value(v) for v in values.values()])


def in_list(column: str, values: Iterable[Any]) -> tuple[str, list]:
    """``column IN (…)`` for a list of any length, as (SQL, params) — one parameter, however long
    the list (SQLite limits the number of parameters)."""
    import json

    return f"{_name_path(column)} IN (SELECT value FROM json_each(?))", [json.dumps(list(values))]


def stamp_plus_minutes(column: str) -> str:
    """SQL for the stamp in ``column`` ('YYYY-MM-DD HH:MM:SS' text) plus ``?`` minutes (an int
    parameter), comparable with other stamps. (PostgreSQL: ``column::timestamp + ? * interval '1 minute'``.)"""
    return f"datetime({_name_path(column)}, '+' || ? || ' minutes')"


def _name_path(column: str) -> str:
    table, _, name = column.rpartition(".")
    return f"{_name(table)}.{_name(name)}" if table else _name(name)
