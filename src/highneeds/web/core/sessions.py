"""Django's database sessions, with the two statements nearly every page runs written once.

Each page of the public journey reads its session, and each answer saved updates it. Django
builds those two ORM queries afresh on every request, which cost about a tenth of a page's CPU
(0.3 ms of about 3.5 ms, ``benchmarks/consultation_pages.py``). Here they are fixed SQL on
Django's own session table and columns, with the same conditions (a session past its expiry
is not read; updating a session that is gone is an ``UpdateError``). Creating, deleting,
cycling the key and clearing expired sessions stay Django's own.
``SESSION_ENGINE = "highneeds.web.core.sessions"``.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _sql(self, connection) -> tuple[str, str]:
        """(read, update) statements for this connection's quoting."""
        meta = self.model._meta
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        key, data, expires = (
            quote(meta.get_field(name).column)
            for name in ("session_key", "session_data", "expire_date")
        )
        return (
            f"SELECT {data} FROM {table} WHERE {key} = %s AND {expires} > %s",
            f"UPDATE {table} SET {data} = %s, {expires} = %s WHERE {key} = %s",
        )

    def _get_session_from_db(self):
        connection = connections[router.db_for_read(self.model)]
        read, _ = self._sql(connection)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(read, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's: a missing or expired key is not reused
            return None
        return self.model(session_key=self.session_key, session_data=row[0])

    def save(self, must_create=False):
        if self.session_key is None or must_create:
            return super().save(must_create=must_create)
        connection = connections[router.db_for_write(self.model)]
        _, update = self._sql(connection)
        expires = connection.ops.adapt_datetimefield_value(self.get_expiry_date())
        with connection.cursor() as cursor:
            cursor.execute(update, [self.encode(self._get_session()), expires, self.session_key])
            if cursor.rowcount == 0:
                raise UpdateError  # the session was deleted meanwhile (e.g. signed out)
