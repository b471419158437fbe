"""matching runs (the per-area lock), stored waiting reasons, one open proposal per diner

Revision ID: e6b1c9d4a2f7
Revises: e5b7c9d1a3f4
Create Date: 2026-12-01 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6b1c9d4a2f7'
down_revision = 'e5b7c9d1a3f4'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('proposed', 'approved', 'cook_accepted')")
RUNNING = sa.text("status = 'running'")


def upgrade():
    op.create_table('matching_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('proposals', sa.Integer(), nullable=True),
    sa.Column('unmatched', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_matching_runs_area_id_areas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_matching_runs_started_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_runs'))
    )
    with op.batch_alter_table('matching_runs', schema=None) as batch_op:
        batch_op.create_index('ix_matching_runs_area_finished', ['area_id', 'status', 'finished_at'], unique=False)
        batch_op.create_index('uq_matching_runs_one_running_per_area', ['area_id'], unique=True, sqlite_where=RUNNING, postgresql_where=RUNNING)

    op.create_table('waiting_reasons',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('diner_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('in_range', sa.Integer(), nullable=True),
    sa.Column('fit_needs', sa.Integer(), nullable=True),
    sa.Column('share_day', sa.Integer(), nullable=True),
    sa.Column('feasible', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['matching_runs.id'], name=op.f('fk_waiting_reasons_run_id_matching_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('run_id', 'diner_id', name=op.f('pk_waiting_reasons'))
    )
    with op.batch_alter_table('pairings', schema=None) as batch_op:
        batch_op.create_index('uq_pairings_one_open_proposal_per_diner', ['diner_id'], unique=True, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    with op.batch_alter_table('pairings', schema=None) as batch_op:
        batch_op.drop_index('uq_pairings_one_open_proposal_per_diner', sqlite_where=OPEN, postgresql_where=OPEN)

    op.drop_table('waiting_reasons')
    with op.batch_alter_table('matching_runs', schema=None) as batch_op:
        batch_op.drop_index('uq_matching_runs_one_running_per_area', sqlite_where=RUNNING, postgresql_where=RUNNING)
        batch_op.drop_index('ix_matching_runs_area_finished')

    op.drop_table('matching_runs')
