"""The PySide6 interface. It calls the core services in ``desktop_app`` and shows what they
return; it holds no SQL and no business rules."""
