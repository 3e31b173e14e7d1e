"""Notifications through real apprise to an in-process service: texts, events, failures, secrets."""

from __future__ import annotations

import logging

import pytest
from pydantic import SecretStr

from immkit.daemon import JobReport, Notifier
from immkit.errors import ConfigError
from tests.unit.daemon.conftest import Delivered

FAILED = JobReport(name="Kids", ok=False, summary="Album 'Kids' not found; check the rule.")
OK_KIDS = JobReport(name="Kids", ok=True, summary="3 assets added.", changed=3)
OK_PETS = JobReport(name="Pets", ok=True, summary="No changes.")


def notifier(*urls: str, on: set[str] | None = None) -> Notifier:
    return Notifier([SecretStr(u) for u in urls], on=on if on is not None else {"failure"})


def test_a_notifier_without_urls_does_nothing() -> None:
    quiet = Notifier()
    assert quiet.enabled is False
    quiet.notify_failure(FAILED)
    quiet.notify_success([OK_KIDS])


def test_failure_title_names_the_rule_and_body_is_the_error_sentence(
    inbox: list[Delivered],
) -> None:
    notifier("immkittest://inbox").notify_failure(FAILED)
    assert inbox == [
        Delivered(
            host="inbox",
            title="immkit: album rule Kids failed",
            body="Album 'Kids' not found; check the rule.",
            kind="failure",
        )
    ]


def test_every_url_gets_the_notification(inbox: list[Delivered]) -> None:
    notifier("immkittest://one", "immkittest://two").notify_failure(FAILED)
    assert [d.host for d in inbox] == ["one", "two"]


def test_success_is_sent_only_when_asked_for(inbox: list[Delivered]) -> None:
    notifier("immkittest://inbox").notify_success([OK_KIDS])
    assert inbox == []
    only_success = notifier("immkittest://inbox", on={"success"})
    only_success.notify_failure(FAILED)
    assert inbox == []


def test_success_summary_lists_the_rules_that_succeeded(inbox: list[Delivered]) -> None:
    both = notifier("immkittest://inbox", on={"failure", "success"})
    both.notify_success([OK_KIDS, FAILED, OK_PETS])
    both.notify_success([OK_PETS])
    both.notify_success([FAILED])  # nothing succeeded: nothing to say
    assert [(d.title, d.body, d.kind) for d in inbox] == [
        ("immkit: 2 album rules done", "Kids: 3 assets added.\nPets: No changes.", "success"),
        ("immkit: album rule Pets done", "Pets: No changes.", "success"),
    ]


def test_undeliverable_notification_is_logged_masked_and_never_raises(
    inbox: list[Delivered], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(1)  # apprise's TRACE level too
    urls = ("immkittest://user:Hunter2Secret@down", "immkittest://crash", "immkittest://inbox")
    notifier(*urls).notify_failure(FAILED)
    assert [d.host for d in inbox] == ["inbox"]  # one bad service does not stop the others
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("immkit")]
    assert any(
        "could not be delivered through notify URL #1 (immkittest://…)" in m for m in warnings
    )
    assert any(
        "could not be delivered through notify URL #2 (immkittest://…)" in m for m in warnings
    )
    assert "Hunter2Secret" not in caplog.text


def test_texts_are_scrubbed_of_the_notify_urls_and_any_url_password(
    inbox: list[Delivered],
) -> None:
    url = "immkittest://user:Pa55word@inbox"
    leaky = JobReport(
        name="Kids",
        ok=False,
        summary=f"could not reach {url} nor postgresql://immich:DbPass@db:5432/immich",
    )
    notifier(url).notify_failure(leaky)
    body = inbox[0].body
    assert "Pa55word" not in body
    assert "DbPass" not in body
    assert "postgresql://immich:***@db:5432/immich" in body


def test_unknown_scheme_is_a_config_error_without_the_url(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(1)
    with pytest.raises(ConfigError) as caught:
        notifier("immkittest://inbox", "nosuchservice://user:TopSecret1@host/token")
    assert str(caught.value) == (
        "The notify URL #2 (nosuchservice://…) is not an apprise URL; write it as a service "
        "URL (mailto://, ntfy://, tgram://, …) listed at https://appriseit.com/services/."
    )
    assert "TopSecret1" not in caplog.text


def test_unusable_url_of_a_known_service_is_a_config_error_without_the_url(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(1)
    with pytest.raises(ConfigError, match=r"notify URL #1 \(mailto://…\) cannot be used") as caught:
        notifier("mailto://user:TopSecret2@?from=not-an-address")
    assert "TopSecret2" not in str(caught.value)
    assert "TopSecret2" not in caplog.text


def test_unknown_event_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"Unknown notify event 'always'.*'failure' and/or"):
        notifier(on={"failure", "always"})


def test_enabled_needs_urls_and_events(inbox: list[Delivered]) -> None:
    assert notifier("immkittest://inbox").enabled
    assert not notifier("immkittest://inbox", on=set()).enabled
    notifier("immkittest://inbox", on=set()).notify_failure(FAILED)
    assert inbox == []


def test_noun_names_what_a_rule_is(inbox: list[Delivered]) -> None:
    Notifier([SecretStr("immkittest://inbox")], noun="job").notify_failure(FAILED)
    assert inbox[0].title == "immkit: job Kids failed"


def test_notifier_logs_through_the_given_logger(
    inbox: list[Delivered], caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("immkit.test.notify")
    caplog.set_level(logging.DEBUG, logger="immkit")
    Notifier([SecretStr("immkittest://inbox")], logger=logger).notify_failure(FAILED)
    assert [r.name for r in caplog.records if r.name.startswith("immkit")] == ["immkit.test.notify"]
