"""casework: case log, concern handling, referrals, direct registration, cook suspension

Revision ID: c4a5e0b1d2f3
Revises: 5e1d2c7a9b40
Create Date: 2026-12-01 15:50:00.000000

"""
# SQLite batch rebuilds run with foreign-key checks off: migrations/env.py sees to that.
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a5e0b1d2f3'
down_revision = '8b4e1f3a5c21'
branch_labels = None
depends_on = None

CONSENT_BEFORE = ('self_online', 'carer_confirmed', 'paper', 'phone')
CONSENT_AFTER = CONSENT_BEFORE + ('in_person', 'referrer')
CONTACT_BEFORE = 'user_id IS NOT NULL OR carer_id IS NOT NULL'
CONTACT_AFTER = (
    'user_id IS NOT NULL OR carer_id IS NOT NULL OR registered_by_id IS NOT NULL'
    ' OR contact_lost_at IS NOT NULL'
)
ONE_SUBJECT = ' + '.join(
    f'(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)'
    for c in ('diner_id', 'cook_id', 'carer_id', 'pairing_id')
) + ' = 1'


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def upgrade():
    op.create_table(
        'case_log_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('kind', _enum('caselogkind', 'note', 'call', 'intro_visit', 'check_in', 'visit'),
                  nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('diner_id', sa.Integer(), nullable=True),
        sa.Column('cook_id', sa.Integer(), nullable=True),
        sa.Column('carer_id', sa.Integer(), nullable=True),
        sa.Column('pairing_id', sa.Integer(), nullable=True),
        sa.CheckConstraint(ONE_SUBJECT, name=op.f('ck_case_log_entries_one_subject')),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id'],
                                name=op.f('fk_case_log_entries_area_id_areas')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_case_log_entries_author_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['diner_id'], ['diner_profiles.id'],
                                name=op.f('fk_case_log_entries_diner_id_diner_profiles'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['cook_id'], ['cook_profiles.id'],
                                name=op.f('fk_case_log_entries_cook_id_cook_profiles'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['carer_id'], ['users.id'],
                                name=op.f('fk_case_log_entries_carer_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['pairing_id'], ['pairings.id'],
                                name=op.f('fk_case_log_entries_pairing_id_pairings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_log_entries')),
    )
    with op.batch_alter_table('case_log_entries', schema=None) as batch_op:
        batch_op.create_index('ix_case_log_entries_area_created', ['area_id', 'created_at'])
        for column in ('diner_id', 'cook_id', 'carer_id', 'pairing_id'):
            batch_op.create_index(op.f(f'ix_case_log_entries_{column}'), [column])

    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'concern_status', _enum('concernstatus', 'new', 'in_progress', 'resolved'),
            nullable=True))
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('resolution_note', sa.Text(), nullable=False,
                                      server_default=''))
    op.execute("UPDATE feedback SET concern_status = 'resolved' "
               "WHERE is_concern AND resolved_at IS NOT NULL")
    op.execute("UPDATE feedback SET concern_status = 'new' "
               "WHERE is_concern AND resolved_at IS NULL")

    with op.batch_alter_table('cook_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('diner_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'referrer_kind',
            _enum('referrerkind', 'gp', 'social_worker', 'housing', 'family', 'other'),
            nullable=True))
        for name, length in (('referrer_name', 160), ('referrer_organisation', 160),
                             ('referrer_contact', 200), ('emergency_contact_name', 160),
                             ('emergency_contact_phone', 40)):
            batch_op.add_column(sa.Column(name, sa.String(length), nullable=False,
                                          server_default=''))
        batch_op.add_column(sa.Column(
            'preferred_contact', _enum('contactway', 'phone', 'letter', 'email', 'sms'),
            nullable=True))
        batch_op.add_column(sa.Column('contact_lost_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('registered_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_diner_profiles_registered_by_id_users'), 'users',
            ['registered_by_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_constraint(op.f('ck_diner_profiles_consentmethod'), type_='check')
        batch_op.create_check_constraint(
            'consentmethod', 'consent_method IN (%s)' % ', '.join(f"'{v}'" for v in CONSENT_AFTER))
        batch_op.drop_constraint(op.f('ck_diner_profiles_has_contact'), type_='check')
        batch_op.create_check_constraint('has_contact', CONTACT_AFTER)


def downgrade():
    with op.batch_alter_table('diner_profiles', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_diner_profiles_has_contact'), type_='check')
        batch_op.create_check_constraint('has_contact', CONTACT_BEFORE)
        batch_op.drop_constraint(op.f('ck_diner_profiles_consentmethod'), type_='check')
        batch_op.create_check_constraint(
            'consentmethod',
            'consent_method IN (%s)' % ', '.join(f"'{v}'" for v in CONSENT_BEFORE))
        batch_op.drop_constraint(batch_op.f('fk_diner_profiles_registered_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_constraint(op.f('ck_diner_profiles_contactway'), type_='check')
        batch_op.drop_constraint(op.f('ck_diner_profiles_referrerkind'), type_='check')
        for name in ('registered_by_id', 'contact_lost_at', 'preferred_contact',
                     'emergency_contact_phone', 'emergency_contact_name', 'referrer_contact',
                     'referrer_organisation', 'referrer_name', 'referrer_kind'):
            batch_op.drop_column(name)
    with op.batch_alter_table('cook_profiles', schema=None) as batch_op:
        batch_op.drop_column('suspended_at')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_feedback_concernstatus'), type_='check')
        batch_op.drop_column('resolution_note')
        batch_op.drop_column('urgent')
        batch_op.drop_column('concern_status')
    op.drop_table('case_log_entries')
