"""Retention (`flask apply-retention`) clears every word kept past its time, in every table."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casserole.models import (
    AuditEvent,
    EmailStatus,
    EndReason,
    Feedback,
    MealShare,
    OutboundEmail,
    PairingPause,
    PairingStatus,
    Role,
    WaitingListEntry,
    utcnow,
)
from casserole.services import audit
from tests.support import factories as f
from tests.support.markers import holding as _holding
from tests.support.markers import marker as _marker
from tests.support.markers import text_columns_in_database as _text_columns_in_database


def _history(
    database, marker: str, ended_days_ago: int, mailed_days_ago: int, failed_days_ago: int
) -> None:
    """An ended pairing whose every note holds `marker`, and e-mail about it."""
    area = f.area(f"Area {ended_days_ago}", (), slug=f"area-{ended_days_ago}")
    cook, diner = f.cook(area), f.diner(area)
    now = utcnow()
    pairing = f.pairing(
        cook,
        diner,
        PairingStatus.ENDED,
        started_at=now - timedelta(days=ended_days_ago + 200),
        ended_at=now - timedelta(days=ended_days_ago),
        end_reason=EndReason.HEALTH,
        end_note=f"{marker} went into hospital",
        override_reason=f"{marker} knew the cook",
    )
    declined = f.pairing(
        cook,
        diner,
        PairingStatus.DECLINED,
        declined_at=now - timedelta(days=ended_days_ago),
        decline_reason=f"{marker} is allergic to cats",
    )
    meal_day = (now - timedelta(days=ended_days_ago + 100)).date()
    for row in (
        PairingPause(
            pairing_id=pairing.id,
            started_at=now - timedelta(days=ended_days_ago + 50),
            ended_at=now - timedelta(days=ended_days_ago + 40),
            reason=f"{marker} broke a hip",
        ),
        MealShare(
            pairing_id=pairing.id, shared_on=meal_day, dish=f"{marker} pie", allergen_note=marker
        ),
        Feedback(pairing_id=pairing.id, rating=4, comment=f"{marker} enjoyed it"),
        Feedback(pairing_id=declined.id, comment=f"Why not {marker}?", is_concern=True),
    ):
        f.database_add(row)
    for status, pairing_id in ((EmailStatus.SENT, pairing.id), (EmailStatus.SENT, None)):
        f.database_add(
            OutboundEmail(
                kind="test",
                to_address=f"{marker}@example.org",
                subject=f"About {marker}",
                text_body=f"Dear {marker}",
                html_body=f"<p>Dear {marker}</p>",
                status=status,
                pairing_id=pairing_id,
                created_at=now - timedelta(days=mailed_days_ago),
                sent_at=now - timedelta(days=mailed_days_ago),
            )
        )
    f.database_add(
        OutboundEmail(
            kind="test",
            to_address=f"{marker}@example.org",
            subject=f"About {marker}",
            text_body=f"Dear {marker}",
            status=EmailStatus.FAILED,
            last_error=f"550 {marker}@example.org unknown",
            created_at=now - timedelta(days=failed_days_ago),
        )
    )
    f.database_add(
        WaitingListEntry(
            email=f"{marker}@example.org",
            name=marker,
            role=Role.DINER,
            postcode=marker,
            outcode="AB1",
            created_at=now - timedelta(days=ended_days_ago),
        )
    )
    database.session.commit()


def test_apply_retention_leaves_old_words_nowhere_and_recent_ones_alone(app, database):
    old, recent = _marker("qxo"), _marker("qxr")
    _history(database, old, ended_days_ago=800, mailed_days_ago=30, failed_days_ago=40)
    _history(database, recent, ended_days_ago=100, mailed_days_ago=2, failed_days_ago=2)
    columns = _text_columns_in_database()
    before = _holding(old, columns)
    assert before == _holding(recent, columns)
    assert {"pairing_pauses.reason", "meal_shares.dish", "outbound_emails.text_body"} <= before

    result = app.test_cli_runner().invoke(args=["apply-retention"])
    assert result.exit_code == 0, result.output
    assert _holding(old, columns) == set()
    assert "the notes of 2 pairings" in result.output  # the ended one and the declined one
    # The recent history is within every period: all of it is still there.
    assert _holding(recent, columns) == before


def test_audit_events_lose_their_client_address_after_ninety_days(app, database):
    now = utcnow()
    for days in (89, 91):
        event = audit.record(
            "data_downloaded", actor=None, client_address=f"192.0.2.{days}", pairing_id=days
        )
        event.at = now - timedelta(days=days)
    database.session.commit()
    result = app.test_cli_runner().invoke(args=["apply-retention"])
    assert "client addresses of 1 audit event." in result.output, result.output
    database.session.expire_all()
    details = database.session.scalars(select(AuditEvent.detail).order_by(AuditEvent.id)).all()
    assert details == [{"pairing_id": 89, "ip": "192.0.2.89"}, {"pairing_id": 91}]


def test_delivered_mail_keeps_its_body_only_for_the_grace_period(app, database):
    marker = _marker("qxm")
    now = utcnow()
    for days in (1, 8):
        f.database_add(
            OutboundEmail(
                kind="test",
                to_address=f"{marker}{days}@example.org",
                subject="Hello",
                text_body=f"{marker} body {days}",
                status=EmailStatus.SENT,
                sent_at=now - timedelta(days=days),
            )
        )
    database.session.commit()
    app.test_cli_runner().invoke(args=["apply-retention"])
    database.session.expire_all()
    bodies = sorted(database.session.scalars(select(OutboundEmail.text_body)))
    assert bodies == ["", f"{marker} body 1"]
