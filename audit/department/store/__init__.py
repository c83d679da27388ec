"""The results database (SQLite by default, PostgreSQL by URL): schema, migrations, reads and writes."""

from audit.department.store.connection import DEFAULT_DB, database_url
from audit.department.store.store import Store, StoredResult, document_digest, open_store

__all__ = ["DEFAULT_DB", "Store", "StoredResult", "database_url", "document_digest", "open_store"]
