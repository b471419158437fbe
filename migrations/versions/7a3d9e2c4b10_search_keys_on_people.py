"""search keys on people: folded name and phone digits, for the console's search

Revision ID: 7a3d9e2c4b10
Revises: 5c1e2b7d9a40
Create Date: 2026-12-01 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from casserole.models.search_keys import fold, phone_digits


# revision identifiers, used by Alembic.
revision = '7a3d9e2c4b10'
down_revision = '5e1d2c7a9b40'
branch_labels = None
depends_on = None

TABLES = ('users', 'diner_profiles')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('search_name', sa.String(length=170), nullable=True))
            batch_op.add_column(sa.Column('phone_digits', sa.String(length=40), nullable=True))
            batch_op.create_index(f'ix_{table}_search_name', ['search_name'], unique=False)
            batch_op.create_index(f'ix_{table}_phone_digits', ['phone_digits'], unique=False)
        # Existing people get their keys now; the models keep them up to date from here on.
        bind = op.get_bind()
        rows = bind.execute(sa.text(f'SELECT id, first_name, last_name, phone FROM {table}')).all()
        update = sa.text(f'UPDATE {table} SET search_name = :n, phone_digits = :p WHERE id = :i')
        params = [
            {'i': r.id, 'n': fold(f'{r.first_name or ""} {r.last_name or ""}'), 'p': phone_digits(r.phone)}
            for r in rows
        ]
        if params:
            bind.execute(update, params)
    with op.batch_alter_table('diner_profiles', schema=None) as batch_op:
        batch_op.create_index('ix_diner_profiles_carer_area', ['carer_id', 'area_id'], unique=False)
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('search_name', existing_type=sa.String(length=170), nullable=False)
            batch_op.alter_column('phone_digits', existing_type=sa.String(length=40), nullable=False)


def downgrade():
    with op.batch_alter_table('diner_profiles', schema=None) as batch_op:
        batch_op.drop_index('ix_diner_profiles_carer_area')
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_phone_digits')
            batch_op.drop_index(f'ix_{table}_search_name')
            batch_op.drop_column('phone_digits')
            batch_op.drop_column('search_name')
