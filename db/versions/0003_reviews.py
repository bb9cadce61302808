"""reviews: a reviewer's verdicts, accepted flags, who made a reference edit

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 03:40:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'review',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('reference_id', sa.Integer(), nullable=True),
        sa.Column('label', sa.String(length=255), nullable=False),
        sa.Column('verdict', sa.String(length=32), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('reviewer', sa.String(length=128), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reference_id'], ['reference.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_review_claim_id', 'review', ['claim_id'])
    op.create_index('ix_review_reference_id', 'review', ['reference_id'])
    op.create_table(
        'flag_acceptance',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('flag', sa.String(length=64), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('reviewer', sa.String(length=128), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_flag_acceptance_claim_id', 'flag_acceptance', ['claim_id'])
    with op.batch_alter_table('reference_edit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('editor', sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('reference_edit', schema=None) as batch_op:
        batch_op.drop_column('editor')
    op.drop_index('ix_flag_acceptance_claim_id', table_name='flag_acceptance')
    op.drop_table('flag_acceptance')
    op.drop_index('ix_review_reference_id', table_name='review')
    op.drop_index('ix_review_claim_id', table_name='review')
    op.drop_table('review')
