"""The delivery ledger keeps the recipient's language and group, the number of sends and the
SMTP server's answer.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('delivery') as batch:
        batch.add_column(sa.Column('language', sa.String(length=5), nullable=True))
        batch.add_column(sa.Column('recipient_group', sa.String(length=50), nullable=True))
        batch.add_column(sa.Column('sends', sa.Integer(), nullable=False, server_default='1'))
        batch.add_column(sa.Column('smtp_reply', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('delivery') as batch:
        batch.drop_column('smtp_reply')
        batch.drop_column('sends')
        batch.drop_column('recipient_group')
        batch.drop_column('language')
