"""how long each link's last check took

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 12:00:00

``link.last_elapsed_ms``: the leaser starts a host's slow links first (a link that took the
whole deadline last night starts beside the host's quick ones instead of at the end of its
queue). Filled from each link's latest ``link_check`` row.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_elapsed_ms', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE link SET last_elapsed_ms = (SELECT c.elapsed_ms FROM link_check c"
        " WHERE c.link_id = link.id ORDER BY c.checked_at DESC, c.id DESC LIMIT 1)")


def downgrade() -> None:
    # not batch mode: on SQLite that copies ``link`` and drops the old table, and the drop
    # (foreign keys on) deletes every row that points at a link (its whole check history)
    op.drop_column('link', 'last_elapsed_ms')
