"""A throwaway database of the configured kind, for a child process (a benchmark, a fault test
that kills a real consumer): a SQLite file in a temporary folder, or a fresh PostgreSQL database
beside the configured one, dropped afterwards. What it yields is the child's environment."""

import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from urllib.parse import quote


@contextmanager
def throwaway_database(extra: dict | None = None):
    from django.db import connection

    env = {**os.environ, "FINEGRID_DEMO": "1", "DJANGO_SETTINGS_MODULE": "finegrid.settings", **(extra or {})}
    if connection.vendor == "postgresql":
        with _postgresql(env) as env:
            yield env
        return
    folder = tempfile.mkdtemp(prefix="finegrid-scratch-")
    env.pop("FINEGRID_DATABASE_URL", None)
    env["FINEGRID_DATA_DIR"] = folder
    try:
        yield env
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _postgresql(env: dict):
    import psycopg
    from django.conf import settings

    name = f"finegrid_scratch_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    db = settings.DATABASES["default"]
    login = f"{quote(db['USER'])}:{quote(db['PASSWORD'])}@" if db.get("PASSWORD") else f"{quote(db['USER'])}@"
    server = f"postgresql://{login}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    # CREATE/DROP DATABASE cannot run in a transaction: a connection of its own, in autocommit.
    admin = f"{server}/postgres"
    with psycopg.connect(admin, autocommit=True) as maintenance:
        maintenance.execute(f"CREATE DATABASE {name}")
    env = {**env, "FINEGRID_DATABASE_URL": f"{server}/{name}"}
    try:
        yield env
    finally:
        with psycopg.connect(admin, autocommit=True) as maintenance:
            maintenance.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
