"""reference date precisions

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 04:20:00

A reference's date, access date and archive date keep the precision they were written with:
None (a full date), "month", "season" or "year". Existing rows are full dates or unknown:
NULL, as before.
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_COLUMNS = ("date_precision", "access_date_precision", "archive_date_precision")


def upgrade() -> None:
    with op.batch_alter_table('reference', schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('reference', schema=None) as batch_op:
        for name in reversed(_COLUMNS):
            batch_op.drop_column(name)
