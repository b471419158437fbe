"""cook year of birth

Revision ID: 5c1e2b7d9a40
Revises: 0d63d10042a4
Create Date: 2026-12-01 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e2b7d9a40'
down_revision = '5b2e7c1d9a40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cook_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_year', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('cook_profiles', schema=None) as batch_op:
        batch_op.drop_column('birth_year')
