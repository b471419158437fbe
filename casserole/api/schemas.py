"""What the API answers, as marshmallow schemas (the OpenAPI description is made from these)."""

from __future__ import annotations

from marshmallow import Schema, fields


class AreaSchema(Schema):
    """An area the token may read."""

    slug = fields.String(required=True)
    name = fields.String(required=True)


class FigureSchema(Schema):
    """One published figure: its value (null when the rule hides it) and its text."""

    key = fields.String(required=True)
    label = fields.String(required=True)
    value = fields.Float(required=True, allow_none=True)
    text = fields.String(required=True)
    explanation = fields.String(required=True)


class RetentionSchema(Schema):
    """Share still running after some months (null: hidden by the rule or too early)."""

    months = fields.Integer(required=True)
    share = fields.Float(required=True, allow_none=True)


class FiguresSchema(Schema):
    """An area's public figures over the last 12 months."""

    area = fields.String(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    figures = fields.List(fields.Nested(FigureSchema), required=True)
    retention = fields.List(fields.Nested(RetentionSchema), required=True)
    disclosure_rule = fields.String(required=True)


class PairingsSchema(Schema):
    """The anonymised pairings: the same rows as the public CSV."""

    area = fields.String(required=True)
    columns = fields.List(fields.String(), required=True)
    levels = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    rows = fields.List(fields.Dict(keys=fields.String(), values=fields.String()), required=True)
    disclosure_rule = fields.String(required=True)


class WaitingSchema(Schema):
    """Diners waiting for a cook, in total and by the matcher's reason, as published counts."""

    area = fields.String(required=True)
    total = fields.String(required=True)
    by_reason = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
