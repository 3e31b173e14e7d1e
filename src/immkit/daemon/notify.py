"""Notifications through apprise (e-mail, chat, push) when rules fail or succeed.

Apprise URLs carry passwords and tokens, so they never appear in a log line, an
exception or a notification: a URL is named by its position and scheme only, and every
text sent is scrubbed of the URLs and of any `user:password@` it holds.
A notification that cannot be delivered is logged and never stops the daemon.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections.abc import Collection, Container, Sequence
from typing import Final
from urllib.parse import unquote, urlsplit

import apprise
from apprise.manager_plugins import NotificationManager
from pydantic import SecretStr

from immkit.daemon.report import JobReport
from immkit.errors import ConfigError
from immkit.redact import mask_url

__all__ = ["EVENTS", "Notifier", "load_apprise_plugins", "secret_parts"]

EVENTS: Final = frozenset({"failure", "success"})
"""When a notification may be sent: a rule failed, or a cycle of rules succeeded."""

SERVICES_URL = "https://appriseit.com/services/"
APPRISE_LOGGER = "apprise"
MASK = "***"

_SCHEME = re.compile(r"^([A-Za-z][\w+.-]*)://")
_URL = re.compile(r"[A-Za-z][\w+.-]*://[^\s'\"<>]+")


class _AppriseLogMask(logging.Filter):
    """Masks our URLs' secrets in apprise's own log records.

    Apprise masks passwords itself, except at its TRACE level, where it logs the parsed
    URL whole; this filter sits on the `apprise` logger, so no handler ever sees them.
    """

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()
        self._installed = False

    def add(self, secrets: Collection[str]) -> None:
        with self._lock:
            self._secrets.update(s for s in secrets if s)
            if not self._installed:
                logging.getLogger(APPRISE_LOGGER).addFilter(self)
                self._installed = True

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        text = record.getMessage()
        masked = text
        for secret in secrets:
            masked = masked.replace(secret, MASK)
        if masked != text:
            record.msg, record.args = masked, None
        return True


_APPRISE_LOG_MASK = _AppriseLogMask()


class Notifier:
    """Sends daemon notifications to apprise URLs; with no URLs it does nothing.

    `on` holds the events to send (see `EVENTS`); `noun` names what a rule is in titles.

    Raises:
        ConfigError: an event is unknown, or a URL is not one apprise can use.
    """

    def __init__(
        self,
        urls: Sequence[SecretStr] = (),
        on: Collection[str] = frozenset({"failure"}),
        *,
        noun: str = "album rule",
        logger: logging.Logger | None = None,
    ) -> None:
        unknown = sorted(set(on) - EVENTS)
        if unknown:
            raise ConfigError(
                f"Unknown notify event {unknown[0]!r}; notify.on takes 'failure' and/or 'success'."
            )
        self._on = frozenset(on)
        self._noun = noun
        self._log = logger if logger is not None else logging.getLogger(__name__)
        self._secrets: list[str] = []
        self._targets: list[tuple[str, apprise.Apprise]] = []
        for position, secret in enumerate(urls, start=1):
            url = secret.get_secret_value().strip()
            label = _label(position, url)
            self._secrets.extend(secret_parts(url))
            _APPRISE_LOG_MASK.add(secret_parts(url))  # before apprise first sees the URL
            self._targets.append((label, _apprise_for(url, label)))

    @property
    def enabled(self) -> bool:
        """Whether any notification can be sent at all."""
        return bool(self._targets) and bool(self._on)

    def notify_failure(self, report: JobReport) -> None:
        """Tell the admin that one run of one rule failed, with the error sentence."""
        if "failure" not in self._on:
            return
        title = f"immkit: {self._noun} {report.name} failed"
        self._send(title, report.summary, apprise.NotifyType.FAILURE)

    def notify_success(self, reports: Sequence[JobReport]) -> None:
        """Summarise the rules of one cycle (or one `--once` pass) that succeeded."""
        ok = [r for r in reports if r.ok]
        if "success" not in self._on or not ok:
            return
        if len(ok) == 1:
            title = f"immkit: {self._noun} {ok[0].name} done"
        else:
            title = f"immkit: {len(ok)} {self._noun}s done"
        body = "\n".join(f"{r.name}: {r.summary}" for r in ok)
        self._send(title, body, apprise.NotifyType.SUCCESS)

    def _send(self, title: str, body: str, kind: apprise.NotifyType) -> None:
        title, body = self._scrub(title), self._scrub(body)
        for label, target in self._targets:
            try:
                delivered = bool(
                    target.notify(
                        title=title,
                        body=body,
                        notify_type=kind,
                        body_format=apprise.NotifyFormat.TEXT,
                    )
                )
            except Exception as exc:  # apprise plugins may raise; the daemon must go on
                self._log.warning(
                    "Notification %r through %s failed (%s); check that URL.",
                    title,
                    label,
                    type(exc).__name__,
                )
                continue
            if delivered:
                self._log.debug("Notification %r sent through %s.", title, label)
            else:
                self._log.warning(
                    "Notification %r could not be delivered through %s; check that URL and "
                    "the service it points to (apprise's log lines above say why).",
                    title,
                    label,
                )

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return _URL.sub(lambda m: mask_url(m.group()), text)


def _label(position: int, url: str) -> str:
    match = _SCHEME.match(url)
    scheme = match.group(1).lower() if match else "?"
    return f"notify URL #{position} ({scheme}://…)"


def load_apprise_plugins() -> Container[str]:
    """Load apprise's plugins (once) and return the URL schemes they handle.

    Apprise loads plugins lazily, and its e-mail plugin imports `imghdr`, deprecated in
    Python 3.11: under `-W error` (the test suite) that import would fail and leave
    apprise without e-mail, so the warning is silenced for this one load.
    """
    manager = NotificationManager()  # type: ignore[no-untyped-call]  # apprise's singleton
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        manager.load_modules()  # type: ignore[no-untyped-call]
    schemes: Container[str] = manager
    return schemes


def _apprise_for(url: str, label: str) -> apprise.Apprise:
    # an unknown scheme is refused here: apprise would log part of the URL doing it
    match = _SCHEME.match(url)
    if match is None or match.group(1).lower() not in load_apprise_plugins():
        raise ConfigError(
            f"The {label} is not an apprise URL; write it as a service URL "
            f"(mailto://, ntfy://, tgram://, …) listed at {SERVICES_URL}."
        )
    asset = apprise.AppriseAsset(app_id="immkit", storage_mode=apprise.PersistentStoreMode.MEMORY)
    target = apprise.Apprise(asset=asset)
    if not target.add(url):
        raise ConfigError(
            f"The {label} cannot be used by apprise (a missing or invalid part); "
            f"check it against {SERVICES_URL}."
        )
    return target


def secret_parts(url: str) -> list[str]:
    """The whole URL and its password (as written and decoded), longest first."""
    parts = {url}
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    if password:
        parts.update({password, unquote(password)})
    return sorted(parts, key=len, reverse=True)
