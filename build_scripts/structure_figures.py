"""Figures of the code's shape, for a revision of the repository (default: the working tree).

    .venv/bin/python build_scripts/structure_figures.py [REV ...]

Prints, per revision: lines of the shipped core (desktop_app/, without a demo package), of the
demo inside the package, hand-written department/ward scope checks, f-string SQL builders
(INSERT/UPDATE statements assembled with f-strings) in domain code, SQL calls outside the repo
modules and storage, and audit rows written by hand instead of through desktop_app/records.py. The patterns are the ones issue 17
counted; they are rough on purpose (a grep a reviewer can repeat), not a parser.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCOPE_CHECK = re.compile(
    r"\b(_require_scope|visible_departments|_scope_allows|require_department_scope|_require_department|_scope"
    r"|_plannable_posts|_require_post_scope|_own_departments|_visible|_require_view|_require_write)\(|DEPARTMENT_SCOPED"
)
SQL_BUILDER = re.compile(r'f"[^"]*(INSERT INTO|UPDATE [a-z_{}]+ SET)')
SQL_CALL = re.compile(r"\.(execute|executemany|execute_many|query|query_one|scalar|tuples)\(")
AUDIT_BY_HAND = re.compile(r"\baudit\.(record|diff)\(")


def files(rev: str | None) -> dict[str, str]:
    """path -> text of every Python file under desktop_app/ at ``rev`` (None: the working tree)."""
    if rev is None:
        return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in (ROOT / "desktop_app").rglob("*.py")}
    names = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", rev, "desktop_app"],
                           capture_output=True, text=True, check=True).stdout.split()
    return {n: subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{n}"], capture_output=True, text=True,
                              check=True).stdout for n in names if n.endswith(".py")}


def figures(rev: str | None) -> dict[str, int]:
    found = files(rev)
    demo = {p: t for p, t in found.items() if p.startswith(("desktop_app/demo/", "desktop_app/practice/"))}
    core = {p: t for p, t in found.items() if p not in demo}
    domain = {p: t for p, t in core.items()
              if not p.startswith(("desktop_app/storage/", "desktop_app/accounts/scope", "desktop_app/accounts/permissions"))}
    outside_repo = {p: t for p, t in domain.items()
                    if not re.search(r"/repo\.py$|/accounts/audit\.py$", p)}
    return {
        "lines of the shipped core": sum(t.count("\n") for t in core.values()),
        "lines of the demo/practice hospital in the package": sum(t.count("\n") for t in demo.values()),
        "hand-written scope checks": sum(len(SCOPE_CHECK.findall(t)) for t in domain.values()),
        "f-string SQL builders in domain code": sum(len(SQL_BUILDER.findall(t)) for t in domain.values()),
        "SQL calls outside repo modules and storage": sum(len(SQL_CALL.findall(t)) for t in outside_repo.values()),
        "audit rows and diffs written by hand (audit.record/diff outside records.py)": sum(
            len(AUDIT_BY_HAND.findall(t)) for p, t in domain.items() if p != "desktop_app/records.py"),
    }


def main(argv: list[str]) -> int:
    revisions = argv or [None]
    results = {rev or "working tree": figures(rev) for rev in revisions}
    keys = list(next(iter(results.values())))
    print("| | " + " | ".join(results) + " |")
    print("| --- |" + " --- |" * len(results))
    for key in keys:
        print(f"| {key} | " + " | ".join(f"{r[key]:,}" for r in results.values()) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
