"""Alembic's environment: migrate.py hands it an open connection, nothing else.

There is no alembic.ini: the store's URL comes from munbook's settings and the
connection (with its transaction and, on PostgreSQL, its advisory lock) from
``widgets.store.migrate``.
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
