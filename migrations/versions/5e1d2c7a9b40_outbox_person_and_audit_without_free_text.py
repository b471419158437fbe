"""outbox messages name their person; audit details hold no free text; finish old erasures

Revision ID: 5e1d2c7a9b40
Revises: 0d63d10042a4
Create Date: 2026-12-01 15:00:00.000000

outbound_emails.person_id links a message to the account it is to or about, so erasure
finds it even when it went to an address the person no longer uses. Audit events recorded
before this revision kept
decline reasons, pause reasons, end notes and override reasons in their details; those move
out (the words stay on the pairing, where retention and erasure reach them). People erased
before this revision still had notes others wrote about them, meal dishes, vetting
references and e-mail about them: those are cleared as erasure now does.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1d2c7a9b40'
down_revision = '5c1e2b7d9a40'
branch_labels = None
depends_on = None

_TEXT_KEYS = ('reason', 'note', 'override_reason', 'overridden')
_CODE_REASONS = {'moved_away', 'health', 'cook_unavailable', 'different_cook', 'died', 'other'}


def _clean(action, detail):
    """The detail without free text: an end keeps its reason code, an override its count."""
    out = {k: v for k, v in detail.items() if k not in _TEXT_KEYS}
    if action == 'pairing.end' and detail.get('reason') in _CODE_REASONS:
        out['reason'] = detail['reason']
    if isinstance(detail.get('overridden'), list):
        out['overridden'] = len(detail['overridden'])
    return out


def upgrade():
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbound_emails_person_id'), ['person_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_outbound_emails_person_id_users'), 'users', ['person_id'], ['id'],
            ondelete='SET NULL',
        )

    conn = op.get_bind()
    events = sa.table(
        'audit_events', sa.column('id', sa.Integer), sa.column('action', sa.String),
        sa.column('detail', sa.JSON),
    )
    rows = conn.execute(
        sa.select(events.c.id, events.c.action, events.c.detail).where(
            events.c.action.in_(
                ['pairing.decline', 'pairing.pause', 'pairing.end', 'pairing.propose_by_hand']
            )
        )
    ).all()
    for event_id, action, detail in rows:
        detail = detail or {}
        cleaned = _clean(action, detail)
        if cleaned != detail:
            conn.execute(events.update().where(events.c.id == event_id).values(detail=cleaned))
    erased = (
        "SELECT p.id FROM pairings p JOIN diner_profiles d ON d.id = p.diner_id "
        "WHERE d.erased_at IS NOT NULL UNION SELECT p.id FROM pairings p "
        "JOIN cook_profiles c ON c.id = p.cook_id JOIN users u ON u.id = c.user_id "
        "WHERE u.erased_at IS NOT NULL"
    )
    for statement in (
        f"UPDATE pairings SET end_note = '', override_reason = '', decline_reason = '' "
        f"WHERE id IN ({erased})",
        f"UPDATE pairing_pauses SET reason = '' WHERE pairing_id IN ({erased})",
        f"UPDATE meal_shares SET dish = '', allergen_note = '' WHERE pairing_id IN ({erased})",
        f"UPDATE feedback SET comment = '' WHERE pairing_id IN ({erased})",
        f"DELETE FROM outbound_emails WHERE status = 'pending' AND pairing_id IN ({erased})",
        "UPDATE outbound_emails SET to_address = '', subject = '', text_body = '', "
        f"html_body = '', last_error = '' WHERE pairing_id IN ({erased})",
        "UPDATE vetting_checks SET reference = '' WHERE cook_id IN (SELECT c.id FROM "
        "cook_profiles c JOIN users u ON u.id = c.user_id WHERE u.erased_at IS NOT NULL)",
        "UPDATE feedback SET comment = '' WHERE author_id IN "
        "(SELECT id FROM users WHERE erased_at IS NOT NULL)",
    ):
        conn.execute(sa.text(statement))


def downgrade():
    # Cleared words cannot be brought back; only the column goes.
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbound_emails_person_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbound_emails_person_id'))
        batch_op.drop_column('person_id')
