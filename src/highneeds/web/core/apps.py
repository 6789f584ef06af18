from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "highneeds.web.core"
    label = "highneeds_core"
    verbose_name = "Web plumbing"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        connection_created.connect(_private_sqlite, dispatch_uid="highneeds-private-sqlite")


def _private_sqlite(sender, connection, **kwargs) -> None:
    """The SQLite store (and its WAL) readable by this account only, whoever creates it."""
    if connection.vendor == "sqlite":
        from highneeds.private_files import make_private
        from highneeds.store.engine import sqlite_files

        name = str(connection.settings_dict["NAME"])
        if name and not name.startswith((":memory:", "file:")):
            make_private(*sqlite_files(name))
