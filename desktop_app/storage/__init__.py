from desktop_app.storage.database import SCHEMA_VERSION, Database, create_database, open_database  # noqa: F401
