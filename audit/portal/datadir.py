"""The portal's data folder: evidence files, signed bundles of submissions and the server's signing key.

It lives on disk beside the store: by default a folder next to the SQLite file (`dept.db` ->
`dept.db.portal-data/`); with PostgreSQL there is no file to sit beside, so `serve --data DIR` is
required.
"""

from __future__ import annotations

from pathlib import Path

from audit.department.store.connection import database_url
from audit.errors import AuditError
from audit.i18n import phrase


def resolve_data_dir(store_url: str, data_dir: str | Path | None) -> Path:
    """The data folder to use (created with mode 0700); AuditError when none can be chosen."""
    if data_dir is None:
        url = database_url(store_url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            raise AuditError(phrase("error.serve.data_required"))
        data_dir = Path(str(url.database) + ".portal-data")
    folder = Path(data_dir).expanduser()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise AuditError(phrase("error.serve.data_create", folder=folder, error=exc.strerror or exc)) from exc
    if not folder.is_dir():
        raise AuditError(phrase("error.serve.data_not_folder", folder=folder))
    return folder
