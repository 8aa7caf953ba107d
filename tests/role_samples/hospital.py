"""医院信息与系统设置: what the role-matrix test calls (see tests/role_samples/__init__.py)."""
from __future__ import annotations

import desktop_app.session  # noqa: F401 - samples call desktop_app.session.SYSTEM_ACTOR
from desktop_app.hospital import service as hospital_service


def samples(ctx):
    h = ctx["hospital"]  # noqa: F841
    return {
        "hospital.service.save_profile": lambda s: hospital_service.save_profile(
            s, {"name": "霍山县人民医院", "level": "二级甲等", "region": "安徽省六安市霍山县", "phone": "0564-1234567"}),
        "hospital.service.save_settings": lambda s: hospital_service.save_settings(
            s, {"backup.keep_days": 60}),
    }


# No action here is held by a 科室负责人 or a clinician (system administrator, and 质控 for backups):
# nothing is hospital-wide for them and nothing needs an other-department call.
HOSPITAL_WIDE: set[str] = set()
