"""The initial warehouse: batch, batch_issue, delivery and one wh_<entity> table per entity.

Generated once with ``alembic revision --autogenerate`` from ``osaava.warehouse.metadata`` and
frozen here: later schema changes are new migrations, never edits of this one.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('rows_loaded', sa.Integer(), nullable=False),
    sa.Column('rows_quarantined', sa.Integer(), nullable=False),
    sa.Column('issues_critical', sa.Integer(), nullable=False),
    sa.Column('issues_warning', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.CheckConstraint("status IN ('loaded', 'refused')", name=op.f('ck_batch_status')),
    sa.CheckConstraint('rows_read = rows_loaded + rows_quarantined', name=op.f('ck_batch_reconciled')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch')),
    sa.UniqueConstraint('fingerprint', 'status', name=op.f('uq_batch_fingerprint_status'))
    )
    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.String(length=200), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('message_id', sa.String(length=500), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
    sa.UniqueConstraint('report_id', 'recipient', name=op.f('uq_delivery_report_id_recipient'))
    )
    op.create_table('batch_issue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('file', sa.String(), nullable=False),
    sa.Column('column', sa.String(), nullable=True),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('advice', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_batch_issue_batch_id_batch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch_issue'))
    )
    op.create_index(op.f('ix_batch_issue_batch_id'), 'batch_issue', ['batch_id'], unique=False)
    op.create_table('wh_absences',
    sa.Column('batch_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source_row', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('person_id', sa.String(), nullable=False),
    sa.Column('employment_no', sa.Integer(), nullable=False),
    sa.Column('absence_code', sa.String(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('calendar_days', sa.Double(), nullable=True),
    sa.Column('hours', sa.Double(), nullable=True),
    sa.Column('paid', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_wh_absences_batch_id_batch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('batch_id', 'source_row', name=op.f('pk_wh_absences'))
    )
    op.create_table('wh_discussions',
    sa.Column('batch_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source_row', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('discussion_id', sa.String(), nullable=False),
    sa.Column('person_id', sa.String(), nullable=False),
    sa.Column('supervisor_id', sa.String(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_wh_discussions_batch_id_batch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('batch_id', 'source_row', name=op.f('pk_wh_discussions'))
    )
    op.create_table('wh_employments',
    sa.Column('batch_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source_row', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('person_id', sa.String(), nullable=False),
    sa.Column('employment_no', sa.Integer(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('cost_centre', sa.String(), nullable=False),
    sa.Column('employment_type', sa.String(), nullable=False),
    sa.Column('working_time_form', sa.String(), nullable=False),
    sa.Column('working_time_pct', sa.Double(), nullable=False),
    sa.Column('supervisor', sa.String(), nullable=False),
    sa.Column('supervisor_since', sa.Date(), nullable=True),
    sa.Column('gender', sa.String(), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_wh_employments_batch_id_batch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('batch_id', 'source_row', name=op.f('pk_wh_employments'))
    )
    op.create_table('wh_needs',
    sa.Column('batch_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source_row', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('need_id', sa.String(), nullable=False),
    sa.Column('discussion_id', sa.String(), nullable=False),
    sa.Column('person_id', sa.String(), nullable=False),
    sa.Column('competence_area', sa.String(), nullable=False),
    sa.Column('priority', sa.String(), nullable=True),
    sa.Column('delivery', sa.String(), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_wh_needs_batch_id_batch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('batch_id', 'source_row', name=op.f('pk_wh_needs'))
    )
    op.create_table('wh_organisation',
    sa.Column('batch_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source_row', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('cost_centre', sa.String(), nullable=False),
    sa.Column('sector', sa.String(), nullable=False),
    sa.Column('sector_name', sa.String(), nullable=True),
    sa.Column('sector_name_sv', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_wh_organisation_batch_id_batch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('batch_id', 'source_row', name=op.f('pk_wh_organisation'))
    )
    op.create_table('wh_payroll',
    sa.Column('batch_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source_row', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('person_id', sa.String(), nullable=False),
    sa.Column('employment_no', sa.Integer(), nullable=False),
    sa.Column('pay_date', sa.Date(), nullable=False),
    sa.Column('earning_start', sa.Date(), nullable=True),
    sa.Column('earning_end', sa.Date(), nullable=True),
    sa.Column('wage_type', sa.String(), nullable=False),
    sa.Column('cost_centre', sa.String(), nullable=True),
    sa.Column('hours', sa.Double(), nullable=True),
    sa.Column('amount', sa.Double(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_wh_payroll_batch_id_batch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('batch_id', 'source_row', name=op.f('pk_wh_payroll'))
    )
    op.create_table('wh_trainings',
    sa.Column('batch_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source_row', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('participation_id', sa.String(), nullable=False),
    sa.Column('training_id', sa.String(), nullable=True),
    sa.Column('person_id', sa.String(), nullable=False),
    sa.Column('employment_no', sa.Integer(), nullable=False),
    sa.Column('training_type', sa.String(), nullable=False),
    sa.Column('competence_area', sa.String(), nullable=True),
    sa.Column('management_level', sa.String(), nullable=True),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('hours', sa.Double(), nullable=True),
    sa.Column('form', sa.String(), nullable=False),
    sa.Column('paid_pct', sa.Double(), nullable=True),
    sa.Column('fee', sa.Double(), nullable=True),
    sa.Column('travel', sa.Double(), nullable=True),
    sa.Column('lodging', sa.Double(), nullable=True),
    sa.Column('per_diem', sa.Double(), nullable=True),
    sa.Column('subsidy', sa.Double(), nullable=True),
    sa.Column('applied_on', sa.Date(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('approver', sa.String(), nullable=True),
    sa.Column('commitment_months', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_wh_trainings_batch_id_batch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('batch_id', 'source_row', name=op.f('pk_wh_trainings'))
    )


def downgrade() -> None:
    op.drop_table('wh_trainings')
    op.drop_table('wh_payroll')
    op.drop_table('wh_organisation')
    op.drop_table('wh_needs')
    op.drop_table('wh_employments')
    op.drop_table('wh_discussions')
    op.drop_table('wh_absences')
    op.drop_index(op.f('ix_batch_issue_batch_id'), table_name='batch_issue')
    op.drop_table('batch_issue')
    op.drop_table('delivery')
    op.drop_table('batch')
