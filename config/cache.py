"""The database cache, with an increment that other processes cannot interleave.

Django's DatabaseCache adds to a counter by reading it and writing it back, so two workers
counting the same budget at once lose one of their increments. Here both steps run in one
transaction that holds the row: ``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the
project's transactions begin IMMEDIATE (config/settings/base.py), which takes the write lock.
"""

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        with transaction.atomic(using=alias):
            if connection.features.has_select_for_update:
                table = connection.ops.quote_name(self._table)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta, version)
