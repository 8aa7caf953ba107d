"""账户与审计: what the role-matrix test calls (see tests/role_samples/__init__.py)."""
from __future__ import annotations

import desktop_app.session  # noqa: F401 - samples call desktop_app.session.SYSTEM_ACTOR
from desktop_app.accounts import service as accounts


def samples(ctx):
    h = ctx["hospital"]  # noqa: F841
    return {
        "accounts.service.change_own_password": lambda s: accounts.change_own_password(s, "Passw0rd1", "Newpass2026"),
        "accounts.service.list_users": lambda s: accounts.list_users(s),
        "accounts.service.create_user": lambda s: accounts.create_user(
            s, {"username": "newuser", "display_name": "新用户", "role": "readonly"}, "Passw0rd1"),
        "accounts.service.update_user": lambda s: accounts.update_user(s, ctx["reader_id"], {"display_name": "改名"}),
        "accounts.service.reset_password": lambda s: accounts.reset_password(s, ctx["reader_id"], "Reset2026x"),
        "accounts.service.unlock_user": lambda s: accounts.unlock_user(s, ctx["reader_id"]),
        "accounts.service.search_audit": lambda s: accounts.search_audit(s, accounts.AuditFilter()),
        "accounts.service.audit_actor_names": lambda s: accounts.audit_actor_names(s),
        "accounts.service.verify_audit": lambda s: accounts.verify_audit(s),
    }


# one's own password: nothing of another department's in it
HOSPITAL_WIDE = {"accounts.service.change_own_password"}
