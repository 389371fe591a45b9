"""What the CLI says about the database before a command runs: which one, and whether it is migrated."""

from django.db import connections


def describe(database: dict) -> str:
    """`sqlite /path/finegrid.sqlite3` or `postgresql://user@host:port/name`: never the password,
    since this line goes to terminals and logs."""
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite {database['NAME']}"
    vendor = database["ENGINE"].rsplit(".", 1)[-1]
    user = f"{database['USER']}@" if database.get("USER") else ""
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"{vendor}://{user}{database.get('HOST') or 'localhost'}{port}/{database['NAME']}"


def pending_migrations(alias: str = "default") -> list[str]:
    """The migrations not yet applied to the database (all of them when it has no tables)."""
    # Imported here: the migration machinery is a fresh command's start-up when it needs no tables.
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, backwards in plan if not backwards]
