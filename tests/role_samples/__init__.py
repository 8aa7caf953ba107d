"""What the role-matrix test (tests/core/test_role_matrix.py) calls, one file per module, named
after the module's key in desktop_app/modules.py. A new module adds its own file here; no other
test file changes. Each file may define:

* ``build(system, h, users, folder) -> dict`` — records its samples need, made once in the
  template database (``h``: the small hospital of tests/factories.py; ``users``: role → Actor).
  The result is ``ctx[<module key>]``.
* ``samples(ctx) -> {action name: call(session)}`` — one realistic call of every service action
  of the module (``ctx`` also has ``path``, ``clock``, ``hospital``, ``users``, ``reader_id``,
  ``empty_department``).
* ``other_department(ctx) -> {action name: call(session)}`` — for every action a 科室负责人
  (内科, with 内科一病区 under it) or a clinician (a nurse of 内科一病区) may call, the same call
  aimed at another department's records (外科's, or a list that would show them). Such a call
  must be refused, or return nothing that carries :data:`OTHER`, the marker every other-department
  record of the template has in its text.
* ``HOSPITAL_WIDE`` — the actions those roles may call for the whole hospital (the staff roster,
  the published duty roster, the surgery catalogue …): they need no ``other_department`` call.
"""
from __future__ import annotations

import importlib

OTHER = "【外科】"  # in the text of every record the template makes for the other department (外科)


def module_samples():
    """(module, its samples file) for every module that has one, in the module list's order."""
    from desktop_app import modules

    found = []
    for m in modules.MODULES:
        try:
            found.append((m, importlib.import_module(f"tests.role_samples.{m.key}")))
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.role_samples.{m.key}":
                raise
    return found
