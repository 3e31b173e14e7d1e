"""E-mail notifications for real: apprise speaks SMTP to an aiosmtpd sink on 127.0.0.1.

The URL form for a plain SMTP server on a custom port, without TLS or login:
`mailto://HOST:PORT?from=SENDER&to=RECIPIENT` (`mailto://` means no TLS; `mode=insecure`
says so explicitly).
"""

from __future__ import annotations

import email
import email.policy
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from pydantic import SecretStr

from immkit.daemon import Daemon, JobReport, Notifier, parse_schedule
from immkit.errors import NotFoundError
from immkit.sim.server import free_port

SENDER = "immkit@example.com"
RECIPIENT = "admin@example.com"
PASSWORD = "Sm7pPassw0rd"


@dataclass
class Sink:
    """What the SMTP server received."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        assert isinstance(envelope.content, bytes)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    def url(self, *, user: str = "") -> str:
        return f"mailto://{user}127.0.0.1:{self.port}?from={SENDER}&to={RECIPIENT}&mode=insecure"


@pytest.fixture
def smtp_sink() -> Iterator[Sink]:
    sink = Sink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    assert body is not None
    content = body.get_content()
    assert isinstance(content, str)
    return content


def test_failure_notification_arrives_by_email(smtp_sink: Sink) -> None:
    notifier = Notifier([SecretStr(smtp_sink.url())])
    notifier.notify_failure(
        JobReport(name="Kids", ok=False, summary="Album 'Kids' not found; check the rule.")
    )
    [message] = smtp_sink.messages
    assert message["Subject"] == "immkit: album rule Kids failed"
    assert message["To"] == RECIPIENT
    assert SENDER in message["From"]
    assert _text(message).strip() == "Album 'Kids' not found; check the rule."


def test_a_daemon_pass_mails_the_failure_of_one_rule_and_runs_the_others(
    smtp_sink: Sink,
) -> None:
    # one message per test: apprise waits 5.5 s between two sends through one URL
    def runner(name: str) -> JobReport:
        if name == "Gone":
            raise NotFoundError("Album 'Gone' not found; check the rule.")
        return JobReport(name=name, ok=True, summary="3 assets added.", changed=3)

    notifier = Notifier([SecretStr(smtp_sink.url())], on={"failure"})
    schedules = {name: parse_schedule("every 1h") for name in ("Gone", "Kids")}
    reports = Daemon(schedules, runner, stop=threading.Event(), notifier=notifier).run_once()
    assert [(r.name, r.ok) for r in reports] == [("Gone", False), ("Kids", True)]
    [message] = smtp_sink.messages
    assert message["Subject"] == "immkit: album rule Gone failed"
    assert _text(message).strip() == "Album 'Gone' not found; check the rule."


def test_password_never_reaches_the_logs_when_delivery_fails(
    smtp_sink: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(1)  # everything, apprise's TRACE included
    # the sink offers no AUTH, so the login with this password fails
    notifier = Notifier([SecretStr(smtp_sink.url(user=f"bob:{PASSWORD}@"))])
    notifier.notify_failure(JobReport(name="Kids", ok=False, summary="Album 'Kids' not found."))
    assert smtp_sink.messages == []
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("immkit") and r.levelno == logging.WARNING
    ]
    assert warnings == [
        "Notification 'immkit: album rule Kids failed' could not be delivered through notify "
        "URL #1 (mailto://…); check that URL and the service it points to (apprise's log "
        "lines above say why)."
    ]
    assert "Login" in caplog.text or "AUTH" in caplog.text  # apprise did try, and said why
    assert PASSWORD not in caplog.text


def test_unreachable_server_is_logged_and_the_daemon_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(1)
    port = free_port()  # nothing listens there
    url = f"mailto://bob:{PASSWORD}@127.0.0.1:{port}?from={SENDER}&to={RECIPIENT}"
    calls: list[str] = []

    def runner(name: str) -> JobReport:
        calls.append(name)
        if name == "A":
            raise NotFoundError("Album 'A' not found.")
        return JobReport(name=name, ok=True, summary="No changes.")

    notifier = Notifier([SecretStr(url)])
    schedules = {name: parse_schedule("every 1h") for name in ("A", "B")}
    reports = Daemon(schedules, runner, stop=threading.Event(), notifier=notifier).run_once()
    assert sorted(calls) == ["A", "B"]
    assert [r.ok for r in reports] == [False, True]
    assert "could not be delivered through notify URL #1 (mailto://…)" in caplog.text
    assert "Connection refused" in caplog.text
    assert PASSWORD not in caplog.text
