"""A precompiled INSERT for the one hot path that needs it: taking a signature.

Django's ORM builds each INSERT from scratch (model instance, compiler, field
preparation); on a two-core server that was most of the cost of a signature
during a surge. This builds the statement once per model and database, fills
every column not given from the field's own default, prepares values with the
field's own get_db_prep_save, and inserts many rows in one statement. So a new
column with a default needs no change here, and the ORM stays the only
description of the schema.
"""

from collections.abc import Iterable, Mapping

from django.db import connections
from django.db.models.expressions import DatabaseDefault

_TEXT, _INT = (str, type(None)), (int, type(None))
# The Python types a field's value goes to the database as, unchanged.
_PASSED_AS_IS = {
    "CharField": _TEXT,
    "TextField": _TEXT,
    "EmailField": _TEXT,
    "BooleanField": (bool, type(None)),
    "IntegerField": _INT,
    "BigIntegerField": _INT,
    "PositiveIntegerField": _INT,
    "PositiveSmallIntegerField": _INT,
    "SmallIntegerField": _INT,
}


class FastInsert:
    def __init__(self, model, using: str = "default"):
        self.model = model
        self.using = using
        self.fields = [
            f for f in model._meta.concrete_fields if not f.primary_key or not f.auto_created
        ]
        self._names = {f.name: f for f in self.fields} | {f.attname: f for f in self.fields}
        self.table = model._meta.db_table
        self._select_sql: str | None = None
        # Fields whose str, int, bool or None value goes to the database as it
        # is: get_db_prep_save on every one of them was a third of the time
        # of a batch of signatures.
        self._as_is = {
            f.name: _INT if f.is_relation else _PASSED_AS_IS[f.get_internal_type()]
            for f in self.fields
            if f.is_relation or f.get_internal_type() in _PASSED_AS_IS
        }

    def _row(self, values: Mapping, connection) -> list:
        unknown = set(values) - set(self._names)
        if unknown:
            raise TypeError(f"{self.model.__name__} has no field {sorted(unknown)}")
        row = []
        for f in self.fields:
            if f.name in values:
                value = values[f.name]
            elif f.attname in values:
                value = values[f.attname]
            else:
                value = f.get_default()  # callable defaults (now(), dict) run per row
                if isinstance(value, DatabaseDefault):
                    value = f.db_default  # a plain value: this insert names every column
            if hasattr(value, "pk"):  # a model instance given for a foreign key
                value = value.pk
            if type(value) in self._as_is.get(f.name, ()):
                row.append(value)
            else:
                row.append(f.get_db_prep_save(value, connection))
        return row

    def insert(
        self,
        rows: Iterable[Mapping],
        returning: bool | tuple[str, ...] = False,
        skip_conflicts: bool = False,
    ) -> list:
        """Insert rows in one statement; with returning=True, their ids in order,
        with returning=(column, …), a tuple of those columns for each row
        inserted (in no promised order: match them by their columns).
        skip_conflicts leaves out rows that break a unique constraint (they are
        then missing from the ids) instead of raising IntegrityError: no
        savepoint, no extra round trips."""
        connection = connections[self.using]
        rows = list(rows)
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in self.fields)
        prepared = [self._row(values, connection) for values in rows]
        cursor_for = connection.cursor
        if connection.vendor == "postgresql" and len(rows) > 1:
            # One array per column: a short statement whatever the number of
            # rows, where a VALUES list of 500 rows had the driver scan 12,000
            # placeholders, each time anew. Sent in binary where SignMe's
            # backend offers it (lib.postgresql), not quoted into the text.
            mark = "%s"
            if binary := getattr(connection, "binary_cursor", None):
                cursor_for, mark = binary, "%b"
            arrays = ", ".join(f"{mark}::{f.db_type(connection)}[]" for f in self.fields)
            sql = f"INSERT INTO {qn(self.table)} ({columns}) SELECT * FROM unnest({arrays})"
            params = [list(column) for column in zip(*prepared, strict=True)]
        else:
            one = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
            sql = f"INSERT INTO {qn(self.table)} ({columns}) VALUES " + ", ".join(
                [one] * len(rows)
            )
            params = [p for row in prepared for p in row]
        if skip_conflicts:
            sql += " ON CONFLICT DO NOTHING"
        with cursor_for() as cursor:
            if isinstance(returning, tuple):
                cursor.execute(sql + f" RETURNING {', '.join(map(qn, returning))}", params)
                return [tuple(r) for r in cursor.fetchall()]
            if returning:
                cursor.execute(sql + f" RETURNING {qn(self.model._meta.pk.column)}", params)
                return [r[0] for r in cursor.fetchall()]
            cursor.execute(sql, params)
            return []

    def insert_select(self, values: Mapping) -> tuple[str, list]:
        """One row as `INSERT INTO table (columns) SELECT value, …` and its
        parameters, for a caller to finish with FROM and WHERE clauses of its
        own (limits.counters.hit_then_insert: the row only if a count allows
        it, in the same statement). Each value is cast to its column's type,
        which a SELECT list does not take from the table as VALUES does."""
        connection = connections[self.using]
        if self._select_sql is None:  # once: the same statement every time
            qn = connection.ops.quote_name
            columns = ", ".join(qn(f.column) for f in self.fields)
            if connection.vendor == "postgresql":
                select = ", ".join(f"%s::{f.db_type(connection)}" for f in self.fields)
            else:  # SQLite stores a value as it comes, whatever the column
                select = ", ".join(["%s"] * len(self.fields))
            self._select_sql = f"INSERT INTO {qn(self.table)} ({columns}) SELECT {select}"
        return self._select_sql, self._row(values, connection)
