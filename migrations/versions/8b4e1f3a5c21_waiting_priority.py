"""waiting priority: put a diner first on the waiting list without back-dating waiting_since

Revision ID: 8b4e1f3a5c21
Revises: 7a3d9e2c4b10
Create Date: 2026-12-01 16:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b4e1f3a5c21'
down_revision = '7a3d9e2c4b10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('diner_profiles', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('waiting_priority', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade():
    with op.batch_alter_table('diner_profiles', schema=None) as batch_op:
        batch_op.drop_column('waiting_priority')
