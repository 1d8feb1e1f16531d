"""A batch remembers when it was last collected: collecting the same good files again after a
refused batch makes that batch the current one again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('batch') as batch:
        batch.add_column(sa.Column('collected_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE batch SET collected_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table('batch') as batch:
        batch.drop_column('collected_at')
