"""交接班记录 (shift handover book) for nurses (护理单元, kind ``nurse``) and doctors (kind ``doctor``).

Layout: :mod:`models` (dataclasses, vocabularies, shift arithmetic), :mod:`census` (pure checks
the form calls on every keystroke), :mod:`repo` (SQL, no rules), :mod:`service` (use cases with
permissions, scope, audit), :mod:`todos` (工作台). See :mod:`desktop_app.handover.service` for
the API and the decisions behind it.
"""
