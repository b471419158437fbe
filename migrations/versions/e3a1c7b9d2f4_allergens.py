"""allergens: the 14 UK allergens for diners, cooks and meals; old free text converted

Revision ID: e3a1c7b9d2f4
Revises: 9fe827255f59
Create Date: 2026-12-01 18:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

from casserole.models.vocab import allergens_in_text, allergens_to_mask


# revision identifiers, used by Alembic.
revision = 'e3a1c7b9d2f4'
down_revision = '9fe827255f59'
branch_labels = None
depends_on = None

# 14 bits; the vocabulary is append-only, so this is the mask of the first 14 allergens.
ALL = (1 << 14) - 1


def upgrade():
    with op.batch_alter_table('diner_profiles', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('allergen_mask', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.create_check_constraint('allergen_range', f'allergen_mask BETWEEN 0 AND {ALL}')
    with op.batch_alter_table('cook_profiles', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('keeps_out_mask', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.create_check_constraint('keeps_out_range', f'keeps_out_mask BETWEEN 0 AND {ALL}')
    with op.batch_alter_table('meal_shares', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('allergen_mask', sa.Integer(), nullable=False, server_default='0')
        )
    # What the old free-text note names becomes structured ("nuts" -> tree nuts and peanuts);
    # the note itself stays as the "anything else" text.
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, allergies FROM diner_profiles WHERE allergies <> ''")
    ).all()
    for diner_id, note in rows:
        mask = allergens_to_mask(allergens_in_text(note or ''))
        if mask:
            conn.execute(
                sa.text("UPDATE diner_profiles SET allergen_mask = :m WHERE id = :i"),
                {"m": mask, "i": diner_id},
            )


def downgrade():
    with op.batch_alter_table('meal_shares', schema=None) as batch_op:
        batch_op.drop_column('allergen_mask')
    with op.batch_alter_table('cook_profiles', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cook_profiles_keeps_out_range'), type_='check')
        batch_op.drop_column('keeps_out_mask')
    with op.batch_alter_table('diner_profiles', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_diner_profiles_allergen_range'), type_='check')
        batch_op.drop_column('allergen_mask')
