"""welfare: meal-day reports, welfare checks, reminders sent (issue 14)

Revision ID: 95ea3a6a288f
Revises: e3a1c7b9d2f4
Create Date: 2026-12-01 18:00:13.640315

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '95ea3a6a288f'
down_revision = 'e3a1c7b9d2f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sent_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_reminders')),
    sa.UniqueConstraint('kind', 'day', 'subject', name='once_a_day')
    )
    op.create_table('meal_day_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('could_not_come', 'nobody_answered', 'seemed_unwell', name='visitreport', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairings.id'], name=op.f('fk_meal_day_reports_pairing_id_pairings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_meal_day_reports_reported_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meal_day_reports')),
    sa.UniqueConstraint('pairing_id', 'day', 'kind', name='one_per_day_and_kind')
    )
    with op.batch_alter_table('meal_day_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meal_day_reports_pairing_id'), ['pairing_id'], unique=False)

    op.create_table('welfare_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('could_not_come', 'nobody_answered', 'seemed_unwell', name='visitreport', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Enum('fine', 'contacted_family', 'emergency_services', 'in_hospital', 'other', name='welfareoutcome', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_welfare_checks_area_id_areas')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_welfare_checks_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_welfare_checks_opened_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairings.id'], name=op.f('fk_welfare_checks_pairing_id_pairings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['meal_day_reports.id'], name=op.f('fk_welfare_checks_report_id_meal_day_reports'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_welfare_checks'))
    )
    with op.batch_alter_table('welfare_checks', schema=None) as batch_op:
        batch_op.create_index('ix_welfare_checks_area_closed', ['area_id', 'closed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_welfare_checks_pairing_id'), ['pairing_id'], unique=False)



def downgrade():
    with op.batch_alter_table('welfare_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_welfare_checks_pairing_id'))
        batch_op.drop_index('ix_welfare_checks_area_closed')

    op.drop_table('welfare_checks')
    with op.batch_alter_table('meal_day_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meal_day_reports_pairing_id'))

    op.drop_table('meal_day_reports')
    op.drop_table('sent_reminders')
