from desktop_app.storage.database import Database, open_database, create_database, SCHEMA_VERSION  # noqa: F401
