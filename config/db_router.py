"""Read replica routing (README "Beyond one machine").

When ``DATABASE_REPLICA_URL`` is set, settings add a ``replica`` alias and the reads of
the dashboard's data — metric snapshots — go there, taking the aggregate reads of
officials off the primary. Everything else, every write, and every read made inside a
transaction on the primary (the snapshot writer reads back the rows it just wrote to roll
them up) stays on ``default``.
"""

from django.db import connections

REPLICA = "replica"
# (app_label, model_name) of the models whose reads may be served by the replica.
REPLICA_READ_MODELS = frozenset({("communities", "metricsnapshot")})


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (model._meta.app_label, model._meta.model_name) not in REPLICA_READ_MODELS:
            return None
        if not replica_configured() or connections["default"].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: a row read from the replica may be related to
        # one from the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary by replication, never by migrations.
        return False if db == REPLICA else None
