"""pairing status without diner_accepted

Nothing ever set "diner_accepted" (the diner's yes makes the pairing active), so the status
and its CHECK constraint lose it; any stray row goes back to "approved", which means the same
thing (waiting for the cook to say yes).

Revision ID: 5b2e7c1d9a40
Revises: 0d63d10042a4
Create Date: 2026-12-01 15:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5b2e7c1d9a40'
down_revision = '0d63d10042a4'
branch_labels = None
depends_on = None

BEFORE = ('proposed', 'approved', 'cook_accepted', 'diner_accepted', 'active', 'paused', 'ended',
          'declined')
AFTER = tuple(s for s in BEFORE if s != 'diner_accepted')


def _allow(statuses):
    with op.batch_alter_table('pairings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_pairings_pairingstatus'), type_='check')
        batch_op.create_check_constraint(
            'pairingstatus', 'status IN (%s)' % ', '.join(f"'{s}'" for s in statuses)
        )


def upgrade():
    op.execute("UPDATE pairings SET status = 'approved' WHERE status = 'diner_accepted'")
    _allow(AFTER)


def downgrade():
    _allow(BEFORE)
