"""Collect the doctor report: read-only calls, no plan, nothing changed."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field

from immkit.db import connect, detect_layout
from immkit.errors import MissingPermission
from immkit.immich import Immich, JobAccess, assess_jobs, normalize_base_url
from immkit.redact import mask_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobRow:
    job: str
    ok: bool
    missing: list[str]


@dataclass(frozen=True)
class DbReport:
    url: str  # password masked
    layout: str
    description: str


@dataclass
class DoctorReport:
    """Everything doctor found; `exit_code` is 3 when nothing can run."""

    url: str
    version: str
    supported: bool
    user: str | None
    is_admin: bool
    key_name: str
    permissions: list[str]
    jobs: list[JobRow]
    warnings: list[str] = field(default_factory=list)
    database: DbReport | None = None

    @property
    def exit_code(self) -> int:
        return 0 if any(j.ok for j in self.jobs) else 3

    def to_json(self) -> dict[str, object]:
        return asdict(self) | {"exit_code": self.exit_code}


def run_doctor(immich: Immich, url: str, *, database_url: str | None = None) -> DoctorReport:
    """Check the server, the key and optionally the database.

    Raises:
        Unreachable, NotImmich, UnsupportedVersion, AuthError: the server cannot be used
        at all; there is nothing to tabulate.
        DbUnavailable, UnknownLayout: `database_url` given and unusable.
    """
    version = immich.server.check()
    key = immich.api_keys.me()
    warnings: list[str] = []
    user: str | None = None
    is_admin = False
    try:
        me = immich.users.me()
        user, is_admin = f"{me.name} <{me.email}>", me.is_admin
    except MissingPermission:
        warnings.append("the key lacks user.read, so its user (and admin flag) is unknown")
    access: list[JobAccess] = assess_jobs(key.permissions, is_admin)
    report = DoctorReport(
        url=normalize_base_url(url),
        version=str(version),
        supported=True,
        user=user,
        is_admin=is_admin,
        key_name=key.name,
        permissions=sorted(key.permissions),
        jobs=[JobRow(a.label, a.ok, a.missing) for a in access],
        warnings=warnings,
    )
    if database_url:
        with connect(database_url) as conn:
            layout = detect_layout(conn)
        report.database = DbReport(mask_url(database_url), layout.name, layout.description)
    log.info("doctor: %s runs Immich %s", report.url, report.version)
    return report
