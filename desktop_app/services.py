"""Imports every service module, so that the registry of actions (and of audit entity labels
and 工作台 providers) is complete. The GUI and the role-matrix test import this."""
from desktop_app import dashboard  # noqa: F401
from desktop_app.accounts import service as accounts  # noqa: F401
from desktop_app.backup import actions as backup  # noqa: F401
from desktop_app.handover import reports as handover_reports  # noqa: F401
from desktop_app.handover import service as handover  # noqa: F401
from desktop_app.hospital import service as hospital  # noqa: F401
from desktop_app.ledger import checklists as ledger_checklists  # noqa: F401
from desktop_app.ledger import excel_io as ledger_excel  # noqa: F401
from desktop_app.ledger import inspections as ledger_inspections  # noqa: F401
from desktop_app.ledger import reports as ledger_reports  # noqa: F401
from desktop_app.ledger import service as ledger  # noqa: F401
from desktop_app.ledger import stats as ledger_stats  # noqa: F401
from desktop_app.ledger import todos as ledger_todos  # noqa: F401
from desktop_app.people import excel_io as people_excel  # noqa: F401
from desktop_app.people import service as people  # noqa: F401
from desktop_app.people import reports as people_reports  # noqa: F401
from desktop_app.roster import calendar as roster_calendar  # noqa: F401
from desktop_app.roster import excel_io as roster_excel  # noqa: F401
from desktop_app.roster import reports as roster_reports  # noqa: F401
from desktop_app.roster import service as roster  # noqa: F401
from desktop_app.roster import setup as roster_setup  # noqa: F401
from desktop_app.roster import todos as roster_todos  # noqa: F401
from desktop_app.training import service as training  # noqa: F401
from desktop_app.training import coverage as training_coverage  # noqa: F401
from desktop_app.training import excel_io as training_excel  # noqa: F401
from desktop_app.training import reports as training_reports  # noqa: F401
from desktop_app.training import todos as training_todos  # noqa: F401
from desktop_app.surgery import catalogue as surgery_catalogue  # noqa: F401
from desktop_app.surgery import excel_io as surgery_excel  # noqa: F401
from desktop_app.surgery import operations as surgery_operations  # noqa: F401
from desktop_app.surgery import privileges as surgery_privileges  # noqa: F401
from desktop_app.surgery import reports as surgery_reports  # noqa: F401
from desktop_app.submissions import service as submissions  # noqa: F401
