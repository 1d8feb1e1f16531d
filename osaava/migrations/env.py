"""Alembic environment of the osaava warehouse.

There is no alembic.ini: :func:`osaava.warehouse.migrate` builds the configuration in code and
hands over an open connection in ``config.attributes["connection"]``. Without one (e.g. the
``alembic`` command with a config built by :func:`osaava.warehouse.alembic_config`), an engine
is made from the ``sqlalchemy.url`` option.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from osaava.warehouse import metadata

config = context.config
target_metadata = metadata


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: later migrations copy-and-move tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url"), poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        _run(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
