"""A throwaway database of the configured kind, for a child process (a benchmark, a fault test
that kills a real consumer): a SQLite file in a temporary folder, or a fresh PostgreSQL database
beside the configured one, dropped afterwards. What it yields is the child's environment. Or,
for a test's child, a copy of the test database with what the test wrote in it
(`copy_of_the_test_database`)."""

import os
import shutil
import sqlite3
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
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


@contextmanager
def copy_of_the_test_database(folder: Path):
    """The child's environment on a copy of the suite's migrated test database (PostgreSQL: a
    database made from it as a template; SQLite: a backup of the in-memory one), dropped after;
    None if it cannot be copied (PostgreSQL refuses while another session uses the template)."""
    from django.db import connection

    env = {**os.environ, "FINEGRID_DEMO": "1", "DJANGO_SETTINGS_MODULE": "finegrid.settings"}
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        env.pop("FINEGRID_DATABASE_URL", None)
        env["FINEGRID_DATA_DIR"] = str(folder)
        with sqlite3.connect(folder / "finegrid.sqlite3") as copy:
            connection.connection.backup(copy)
        yield env
        return
    import psycopg

    settings = connection.settings_dict
    name, template = f"test_copy_{os.getpid()}_{uuid.uuid4().hex[:6]}", settings["NAME"]
    server = f"postgresql://{settings['USER']}@{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}"
    connection.close()  # the template must have no session
    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    except psycopg.Error:
        yield None
        return
    try:
        yield {**env, "FINEGRID_DATABASE_URL": f"{server}/{name}"}
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
