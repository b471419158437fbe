"""message channels: SMS, letters and calls share the outbox; everyone's preferred contact

Revision ID: e5b7c9d1a3f4
Revises: 95ea3a6a288f
Create Date: 2026-12-01 18:20:00.000000

"""
# SQLite batch rebuilds run with foreign-key checks off: migrations/env.py sees to that.
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b7c9d1a3f4'
down_revision = '95ea3a6a288f'
branch_labels = None
depends_on = None


def _contactway():
    return sa.Enum('phone', 'letter', 'email', 'sms', name='contactway', native_enum=False,
                   create_constraint=True, length=24)


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_contact', _contactway(), nullable=True))
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', _contactway(), nullable=False,
                                      server_default='email'))
        batch_op.add_column(sa.Column('to_phone', sa.String(40), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('postal_address', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('diner_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('provider_ref', sa.String(64), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('printed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('done_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbound_emails_channel'), ['channel'])
        batch_op.create_index(batch_op.f('ix_outbound_emails_diner_id'), ['diner_id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_outbound_emails_diner_id_diner_profiles'), 'diner_profiles',
            ['diner_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(
            batch_op.f('fk_outbound_emails_done_by_id_users'), 'users',
            ['done_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbound_emails_done_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_outbound_emails_diner_id_diner_profiles'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbound_emails_diner_id'))
        batch_op.drop_index(batch_op.f('ix_outbound_emails_channel'))
        batch_op.drop_constraint(op.f('ck_outbound_emails_contactway'), type_='check')
        for name in ('done_by_id', 'outcome', 'printed_at', 'provider_ref', 'diner_id',
                     'postal_address', 'to_phone', 'channel'):
            batch_op.drop_column(name)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_contactway'), type_='check')
        batch_op.drop_column('preferred_contact')
