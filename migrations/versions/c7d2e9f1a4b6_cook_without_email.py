"""a cook met in person may have no e-mail address

Revision ID: c7d2e9f1a4b6
Revises: d6f1a2b3c4e5
Create Date: 2026-12-01 19:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c7d2e9f1a4b6"
down_revision = "d6f1a2b3c4e5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=True)


def downgrade():
    # Accounts without an address get one that can never receive mail (.invalid), unique per id.
    op.execute(
        "UPDATE users SET email = 'no-email-' || id || '@casserole.invalid' WHERE email IS NULL"
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=False)
