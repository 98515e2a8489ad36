"""Fast, bounded-memory loading of generated rows.

Each table is loaded through ``core.bulk.insert_rows`` (``COPY ... FROM STDIN`` on
PostgreSQL, batched ``executemany`` INSERTs on SQLite) every ``chunk`` rows. Rows carry
their primary keys, so children can point at parents without reading anything back;
sequences are reset at the end.
"""

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from core.bulk import insert_rows


class TableWriter:
    """Rows of one model: ``add(**values)`` by attribute name; unset fields take the
    field's default (evaluated once). ``next_id()`` hands out primary keys."""

    def __init__(self, model, *, chunk: int = 50_000, given: tuple[str, ...]):
        self.model = model
        self.chunk = chunk
        fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        missing = [f for f in fields if f.attname not in given]
        self.defaults = {}
        for field in missing:
            if not (field.has_default() or field.null or field.empty_strings_allowed):
                raise ValueError(f"{model.__name__}.{field.attname} needs a value")
            self.defaults[field.attname] = field.get_default()
        self.given = set(given)
        self.rows: list[tuple] = []
        self.count = 0
        self.last_id = model.objects.aggregate(m=Max("pk"))["m"] or 0

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def add(self, **values) -> None:
        self.rows.append(tuple(
            values[name] if name in values else self.defaults[name] for name in self.attnames
        ))

    @property
    def full(self) -> bool:
        return len(self.rows) >= self.chunk

    def flush(self) -> None:
        self.count += insert_rows(self.model, self.attnames, self.rows)
        self.rows = []


class Loader:
    """Writers in dependency order: when one is full, all are flushed parents first, so
    every committed child row finds its parent."""

    def __init__(self, log=None, chunk: int = 50_000):
        self.writers: dict[str, TableWriter] = {}
        self.log = log or (lambda message: None)
        self.chunk = chunk

    def table(self, name: str, model, *given: str) -> TableWriter:
        writer = TableWriter(model, chunk=self.chunk, given=("id", *given))
        self.writers[name] = writer
        return writer

    def maybe_flush(self) -> None:
        if any(w.full for w in self.writers.values()):
            self.flush()

    def flush(self) -> None:
        with transaction.atomic():
            for writer in self.writers.values():
                writer.flush()

    def progress(self) -> str:
        return ", ".join(
            f"{name} {w.count + len(w.rows):,}" for name, w in self.writers.items()
        )

    def finish(self) -> dict[str, int]:
        self.flush()
        models = [w.model for w in self.writers.values()]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in models:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        return {name: w.count for name, w in self.writers.items()}
