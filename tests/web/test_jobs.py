"""Background jobs: eager without a broker, batches, repeated deliveries, the progress page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
from sqlalchemy import event, func, select

from casserole.jobs import kinds, runner, schedule, tasks
from casserole.models import (
    Area,
    AuditEvent,
    DinerProfile,
    EmailStatus,
    Job,
    JobState,
    OutboundEmail,
    Pairing,
    PairingStatus,
    Role,
    User,
    utcnow,
)
from casserole.services import mail
from tests.support import factories as f
from tests.support.app import make_test_app


@pytest.fixture
def barnet(database):
    """Barnet with its coordinator."""
    area = f.area("Barnet", ("N3",), slug="barnet")
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    database.session.commit()
    return area


def _coordinator(database):
    return database.session.scalar(select(User).where(User.email == "co@example.org"))


def _proposals(area, count):
    """`count` proposals in `area`, each with its own cook and diner."""
    made = []
    for i in range(count):
        cook = f.cook(area, latitude=51.60 + i * 0.001)
        diner = f.diner(area, first_name=f"Diner{i}", latitude=51.60 + i * 0.001)
        made.append(f.pairing(cook, diner, PairingStatus.PROPOSED, distance_km=0.2))
    return made


def _job(database, area, kind):
    job = f.job(area, requested_by=_coordinator(database), kind=kind, state=JobState.QUEUED)
    database.session.commit()
    return job


def _mail_per_pairing(database, kind="pairing_proposal_to_cook"):
    return dict(
        database.session.execute(
            select(OutboundEmail.pairing_id, func.count())
            .where(OutboundEmail.kind == kind)
            .group_by(OutboundEmail.pairing_id)
        ).all()
    )


def test_without_a_broker_jobs_run_in_the_request(app):
    celery = app.extensions["celery"]
    if app.config.get("CELERY_BROKER_URL"):
        assert celery.conf.task_always_eager is False
    else:
        assert celery.conf.task_always_eager is True
    assert celery.conf.task_acks_late is True
    assert celery.conf.task_reject_on_worker_lost is True


def test_a_broker_url_sends_jobs_to_the_queue(database_url, monkeypatch):
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/6")
    other = make_test_app(database_url, CELERY_BROKER_URL="redis://127.0.0.1:6379/6")
    conf = other.extensions["celery"].conf
    assert conf.task_always_eager is False
    assert conf.broker_url == "redis://127.0.0.1:6379/6"


def test_approve_all_commits_in_batches_and_asks_each_cook_once(app, barnet, database, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_BATCH_SIZE", 3)
    proposals = _proposals(barnet, 7)
    job = _job(database, barnet, kinds.APPROVE_ALL)
    # Delivery commits per message; here only the job's own transactions are counted.
    monkeypatch.setattr(mail, "dispatch", lambda: None)
    commits = []

    def count(_connection):
        commits.append(1)

    # Real COMMITs on the connection (a savepoint per approval is not one).
    event.listen(database.engine, "commit", count)
    try:
        assert runner.run(job.id) == "done"
    finally:
        event.remove(database.engine, "commit", count)
    database.session.expire_all()
    assert {p.status for p in proposals} == {PairingStatus.APPROVED}
    assert (job.state, job.done, job.total) == (JobState.DONE, 7, 7)
    assert job.summary == "Approved 7 proposals. We have asked the cooks."
    assert _mail_per_pairing(database) == {p.id: 1 for p in proposals}
    # The claim, three batches of at most three, and the finish.
    assert len(commits) == 5


def test_on_a_worker_approve_all_rests_after_each_batch_as_long_as_it_took(
    app, barnet, database, monkeypatch
):
    monkeypatch.setitem(app.config, "JOB_BATCH_SIZE", 3)
    monkeypatch.setitem(app.config, "JOB_REST_RATIO", 1.5)
    _proposals(barnet, 7)
    job = _job(database, barnet, kinds.APPROVE_ALL)
    rests = []
    monkeypatch.setattr(runner.time, "sleep", rests.append)
    clock_reads = iter(range(100))
    # Each batch "takes" 2 seconds on this clock: began at n, done at n + 2.
    monkeypatch.setattr(kinds.time, "monotonic", lambda: 2 * next(clock_reads))
    # As on a worker; in eager mode the job runs inside the request and never rests.
    monkeypatch.setitem(app.extensions["celery"].conf, "task_always_eager", False)
    assert runner.run(job.id) == "done"
    assert rests == [3.0, 3.0, 3.0]


def test_in_eager_mode_a_job_never_rests(app, barnet, database, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_REST_RATIO", 1.5)
    monkeypatch.setitem(app.extensions["celery"].conf, "task_always_eager", True)
    rests = []
    monkeypatch.setattr(runner.time, "sleep", rests.append)
    runner.rest(2.0)
    assert rests == []


def test_approve_all_skips_a_proposal_whose_diner_found_a_cook_and_links_it(
    client, barnet, database, auth
):
    first, second = _proposals(barnet, 2)
    f.pairing(f.cook(barnet), second.diner, PairingStatus.ACTIVE)
    database.session.commit()
    auth.login("co@example.org")
    response = client.post("/coordinator/barnet/proposals/approve", data={"approve_all": "1"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Approved 1 proposal. We have asked the cooks. 1 proposal could not be approved" in page
    # The page names them and says why, read afresh; the job itself keeps numbers only.
    assert f'href="/pairings/{second.id}">Proposal {second.id}: ' in page
    assert "The diner found a cook meanwhile." in page
    assert (first.status, second.status) == (PairingStatus.APPROVED, PairingStatus.PROPOSED)
    job = database.session.scalar(select(Job))
    assert job.result == {"approved": 1, "skipped": [second.id]}


def test_a_second_delivery_of_a_finished_job_does_nothing(app, barnet, database):
    proposals = _proposals(barnet, 3)
    job = _job(database, barnet, kinds.APPROVE_ALL)
    assert runner.run(job.id) == "done"
    assert runner.run(job.id) == "skipped"
    database.session.expire_all()
    assert job.attempts == 1
    assert _mail_per_pairing(database) == {p.id: 1 for p in proposals}


class WorkerKilled(BaseException):
    """Stands for the process dying: nothing after it runs, no handler catches it."""


def test_a_job_cut_off_half_way_carries_on_and_repeats_nothing(app, barnet, database, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_BATCH_SIZE", 2)
    proposals = _proposals(barnet, 5)
    job = _job(database, barnet, kinds.APPROVE_ALL)
    calls = []

    def dies_after_first_batch():
        calls.append(1)
        if len(calls) == 1:
            raise WorkerKilled

    monkeypatch.setattr(mail, "dispatch", dies_after_first_batch)
    with pytest.raises(WorkerKilled):
        runner.run(job.id)
    database.session.rollback()
    database.session.expire_all()
    assert (job.state, job.done) == (JobState.RUNNING, 2)
    # While its worker may still be going (recent heartbeat) a redelivery leaves it alone.
    with pytest.raises(runner.JobBusy):
        runner.run(job.id)
    # Once the lease is over, the next delivery takes over from the last committed batch.
    monkeypatch.setitem(app.config, "JOB_LEASE_SECONDS", -1)
    assert runner.run(job.id) == "done"
    database.session.expire_all()
    assert (job.state, job.done, job.total, job.attempts) == (JobState.DONE, 5, 5, 2)
    assert {p.status for p in proposals} == {PairingStatus.APPROVED}
    assert _mail_per_pairing(database) == {p.id: 1 for p in proposals}
    approvals = database.session.scalars(
        select(AuditEvent.subject_id).where(AuditEvent.action.like("%approve%"))
    ).all()
    assert sorted(approvals) == sorted(p.id for p in proposals)


def test_a_matching_job_proposes_once_however_often_it_is_delivered(app, barnet, database):
    for i in range(3):
        f.cook(barnet, latitude=51.60 + i * 0.001)
        f.diner(barnet, first_name=f"Wait{i}", latitude=51.60 + i * 0.001)
    job = _job(database, barnet, kinds.MATCHING)
    assert runner.run(job.id) == "done"
    assert runner.run(job.id) == "skipped"
    database.session.expire_all()
    count = database.session.scalar(select(func.count()).select_from(Pairing))
    assert count == 3
    assert job.summary.startswith("The matcher proposed 3 new pairs.")
    assert job.result["proposals"] == 3
    # A new run finds nobody left to propose.
    again = _job(database, barnet, kinds.MATCHING)
    assert runner.run(again.id) == "done"
    assert database.session.scalar(select(func.count()).select_from(Pairing)) == 3


def test_a_job_whose_requester_left_fails_with_a_reason(app, barnet, database):
    job = _job(database, barnet, kinds.MATCHING)
    _coordinator(database).is_active_account = False
    database.session.commit()
    assert runner.run(job.id) == "failed"
    database.session.expire_all()
    assert job.state == JobState.FAILED
    assert job.error == "The person who started this job no longer has an account."


def test_the_progress_page_refreshes_itself_while_the_job_runs(client, barnet, database, auth):
    job = f.job(
        barnet,
        requested_by=_coordinator(database),
        kind=kinds.APPROVE_ALL,
        state=JobState.RUNNING,
        done=30,
        total=120,
    )
    database.session.commit()
    auth.login("co@example.org")
    html = client.get(f"/coordinator/barnet/jobs/{job.id}").get_data(as_text=True)
    assert re.search(r'<meta http-equiv="refresh" content="\d+">', html)
    assert '<progress id="job-progress" max="100" value="25">' in html
    assert "30 of 120 done" in html
    job.state, job.done, job.summary = JobState.DONE, 120, "Approved 120 proposals."
    database.session.commit()
    html = client.get(f"/coordinator/barnet/jobs/{job.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in html
    assert "Approved 120 proposals." in html
    assert 'value="100"' in html


def test_another_areas_job_is_not_found(client, barnet, database, auth):
    other = f.area("Hamlets", ("E14",), slug="hamlets")
    job = f.job(other)
    database.session.commit()
    auth.login("co@example.org")
    assert client.get(f"/coordinator/barnet/jobs/{job.id}").status_code == 404
    assert client.get(f"/coordinator/hamlets/jobs/{job.id}").status_code == 404


def test_buttons_start_jobs_and_land_on_their_page(client, barnet, database, auth):
    _proposals(barnet, 2)
    database.session.commit()
    auth.login("co@example.org")
    response = client.post("/coordinator/barnet/proposals/approve", data={"approve_all": "1"})
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    job = database.session.get(Job, job_id)
    assert (job.kind, job.state, job.requested_by_id) == (
        kinds.APPROVE_ALL,
        JobState.DONE,
        _coordinator(database).id,
    )
    assert "ip" not in job.params
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Approved 2 proposals. We have asked the cooks." in page
    response = client.post("/coordinator/barnet/waiting/reasons")
    assert "/coordinator/barnet/jobs/" in response.headers["Location"]


def test_the_schedule_is_one_table_of_functions_beat_calls(app, database):
    beat = app.extensions["celery"].conf.beat_schedule
    assert (
        set(beat)
        == set(schedule.SCHEDULE)
        >= {
            "deliver-mail",
            "remind-at-risk",
            "notify-expired-checks",
            "apply-retention",
            "escalate-welfare-checks",
            "meal-day-reminders",
            "missed-meal-nudges",
            "coordinator-digest",
            "break-transitions",
        }
    )
    for name, entry in beat.items():
        assert entry["task"] == "casserole.periodic" and entry["args"] == (name,)
    # Every line names a function that runs (here on empty tables: nothing to do).
    for name in schedule.SCHEDULE:
        assert tasks.call_periodic(name) == 0


def test_the_periodic_task_delivers_queued_mail(app, database):
    message = OutboundEmail(
        kind="test",
        to_address="someone@example.org",
        subject="Hello",
        text_body="Hi",
        status=EmailStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    database.session.add(message)
    database.session.commit()
    # What beat sends, run here and now (eagerly: `apply` never needs a broker).
    app.extensions["celery"].tasks["casserole.periodic"].apply(args=("deliver-mail",))
    database.session.expire_all()
    assert message.status == EmailStatus.SENT


def test_two_deliverers_at_once_never_send_one_message_twice(app, database, monkeypatch):
    for n in range(3):
        database.session.add(
            OutboundEmail(
                kind="test",
                to_address=f"person{n}@example.org",
                subject="Hello",
                text_body="Hi",
                status=EmailStatus.PENDING,
                next_attempt_at=utcnow(),
            )
        )
    database.session.commit()
    handed_over = []
    real_send = mail._send

    def send_while_another_runs(msg, config):
        handed_over.append(msg["To"])
        if len(handed_over) == 1:
            # A second deliverer (another process's thread, beat's minute) starts meanwhile.
            mail.deliver_pending()
        real_send(msg, config)

    monkeypatch.setattr(mail, "_send", send_while_another_runs)
    mail.deliver_pending()
    assert sorted(handed_over) == [f"person{n}@example.org" for n in range(3)]
    statuses = database.session.scalars(select(OutboundEmail.status)).all()
    assert statuses == [EmailStatus.SENT] * 3


def test_a_matching_job_cut_off_after_its_commit_never_runs_the_matcher_again(
    app, barnet, database, monkeypatch
):
    from casserole.services import pairings

    f.cook(barnet, capacity=3)
    f.diner(barnet, first_name="Wait")
    job = _job(database, barnet, kinds.MATCHING)
    real = pairings.propose_for_area

    def commits_then_dies(*args, **kwargs):
        real(*args, **kwargs)
        raise WorkerKilled

    monkeypatch.setattr(pairings, "propose_for_area", commits_then_dies)
    with pytest.raises(WorkerKilled):
        runner.run(job.id)
    database.session.rollback()
    monkeypatch.setattr(pairings, "propose_for_area", real)
    monkeypatch.setitem(app.config, "JOB_LEASE_SECONDS", -1)
    # Another waiting diner the matcher could pair: the repeated delivery must not.
    f.diner(barnet, first_name="Later")
    database.session.commit()
    assert runner.run(job.id) == "done"
    database.session.expire_all()
    assert database.session.scalar(select(func.count()).select_from(Pairing)) == 1
    assert job.summary == "The matcher ran. Its proposals are on the proposals page."


def test_the_anonymised_export_is_prepared_as_a_job_and_downloaded_from_its_page(
    client, barnet, database, auth
):
    auth.login("co@example.org")
    direct = client.get("/coordinator/barnet/exports/pairings-anonymised.csv").get_data()
    response = client.post("/coordinator/barnet/exports/pairings-anonymised")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The anonymised export is ready" in page
    link = re.search(r'href="(/coordinator/barnet/jobs/\d+/file)"', page).group(1)
    download = client.get(link)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="barnet-pairings-anonymised.csv"'
    )
    # The same file as the direct download.
    assert download.get_data() == direct
    # Retention drops the file after JOB_FILE_HOURS; the page then has nothing to offer.
    assert runner.clear_old_files(hours=-1) == 1
    assert client.get(link).status_code == 404


def test_an_import_job_checks_every_row_again_and_adds_nothing_on_a_second_run(
    app, barnet, database
):
    header = b"first_name,last_name,postcode,address_line,days\n"
    good = header + b"Ada,Importa,N3 1AB,1 Elm Road,Mon;Wed\n"
    job = f.job(
        barnet,
        requested_by=_coordinator(database),
        kind=kinds.IMPORT_REFERRALS,
        state=JobState.QUEUED,
        input_data=good,
    )
    database.session.commit()
    assert runner.run(job.id) == "done"
    database.session.expire_all()
    assert job.summary == "Imported 1 new referral; 0 rows already registered, skipped."
    assert job.input_data is None
    # The same file as a new job (or a delivery after a lost commit) finds her registered.
    again = f.job(
        barnet,
        requested_by=_coordinator(database),
        kind=kinds.IMPORT_REFERRALS,
        state=JobState.QUEUED,
        input_data=good,
    )
    bad = f.job(
        barnet,
        requested_by=_coordinator(database),
        kind=kinds.IMPORT_REFERRALS,
        state=JobState.QUEUED,
        input_data=header + b"Bea,Importa,N3 1AB,2 Elm Road,Funday\n",
    )
    database.session.commit()
    assert runner.run(again.id) == "done"
    assert runner.run(bad.id) == "failed"
    database.session.expire_all()
    assert again.summary == "Imported 0 new referrals; 1 row already registered, skipped."
    # Row problems quote people's details: the job keeps the count, the preview the rest.
    assert bad.error == (
        "Nothing imported: 1 of 1 row have problems. "
        "Upload the file again to see each row's problem."
    )
    names = database.session.scalars(select(DinerProfile.first_name)).all()
    assert names == ["Ada"]


def test_an_unreachable_broker_fails_the_job_with_a_reason_not_a_500(
    database_url, barnet, monkeypatch
):
    from casserole.extensions import db

    # Celery reads CELERY_BROKER_URL from the environment before its own settings.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:9/0")
    other = make_test_app(
        database_url, CELERY_BROKER_URL="redis://127.0.0.1:9/0", JOB_WAIT_SECONDS=0
    )
    with other.app_context():
        area = db.session.scalar(select(Area).where(Area.slug == "barnet"))
        actor = db.session.scalar(select(User).where(User.email == "co@example.org"))
        started = time.monotonic()
        job = runner.start(kinds.REASONS, area, actor)
        assert time.monotonic() - started < 10
        assert job.state == JobState.FAILED
        assert job.error == "The job queue could not be reached; please try again shortly."
        db.session.remove()
        # This second app's connections are closed here, not left to the garbage collector.
        db.engine.dispose()


def test_the_worker_never_hands_a_database_connection_to_its_pool_processes(tmp_path):
    # Celery's prefork pool forks after the app is made; a pooled connection made before
    # the fork would be shared by every pool process (garbled answers under load).
    code = (
        "import casserole.jobs.worker as w\n"
        "from celery.signals import worker_process_init\n"
        "from casserole.extensions import db\n"
        "with w.flask_app.app_context():\n"
        "    print(db.engine.pool.checkedin(), db.engine.pool.checkedout())\n"
        "print(any(getattr(r(), '__name__', '') == '_fresh_connections'\n"
        "          for _, r in worker_process_init.receivers))\n"
    )
    env = {
        **os.environ,
        "CASSEROLE_ENV": "production",
        "SECRET_KEY": "x" * 40,
        "PUBLIC_BASE_URL": "https://casserole.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "CASSEROLE_INSTANCE_PATH": str(tmp_path),
    }
    env.pop("CELERY_BROKER_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["0", "0", "True"]
