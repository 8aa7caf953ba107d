"""备份与恢复: what the role-matrix test calls (see tests/role_samples/__init__.py)."""
from __future__ import annotations

import desktop_app.session  # noqa: F401 - samples call desktop_app.session.SYSTEM_ACTOR
from desktop_app.backup import actions as backup_actions
from desktop_app.backup import service as backups


def samples(ctx):
    h = ctx["hospital"]  # noqa: F841
    return {
        "backup.actions.list_backups": lambda s: backup_actions.list_backups(s),
        "backup.actions.backup_now": lambda s: backup_actions.backup_now(s),
        "backup.actions.restore_from_backup": lambda s: backup_actions.restore_from_backup(
            s, backups.list_backups(s.db.path)[0]),
    }


# No action here is held by a 科室负责人 or a clinician (system administrator, and 质控 for backups):
# nothing is hospital-wide for them and nothing needs an other-department call.
HOSPITAL_WIDE: set[str] = set()
