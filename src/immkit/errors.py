"""The one exception tree of immkit; each class knows its CLI exit code.

    ImmkitError (exit 1)
    ├── InputError (2)            the user can fix it by changing what they typed or wrote
    │   ├── ConfigError           config file, profile, missing API key
    │   ├── NotFoundError         an album, person, user, run … the user named does not exist
    │   ├── BadFileError          export file, plan file, journal that cannot be read
    │   ├── ConfirmationRequired  destructive apply without a TTY and without --yes
    │   ├── StalePlanError        the server changed since the plan was made
    │   └── RunBusyError          another live process is applying that run
    └── EnvError (3)              the world around immkit blocks the job
        ├── Unreachable           connection refused, DNS, timeout, TLS
        ├── NotImmich             the URL answers, but not as Immich
        ├── UnsupportedVersion    server older than the minimum
        ├── AuthError             key missing or rejected (401)
        ├── MissingPermission     key lacks a permission, or the user is not admin (403)
        ├── DbUnavailable         PostgreSQL unreachable or login refused
        ├── UnknownLayout         database schema immkit does not know
        └── ApiError              any other unexpected answer from the server

This module imports nothing else from immkit. Messages must never contain secrets.
"""

from __future__ import annotations


class ImmkitError(Exception):
    """Base of every error immkit raises on purpose."""

    exit_code: int = 1


class InputError(ImmkitError):
    """The user's input is wrong; nothing was changed."""

    exit_code = 2


class ConfigError(InputError):
    """Configuration file, profile or credentials are invalid or missing."""


class NotFoundError(InputError):
    """Something the user named does not exist."""


class BadFileError(InputError):
    """A file given by the user cannot be read or parsed."""


class ConfirmationRequired(InputError):
    """A destructive step needs --yes (or a TTY to ask on)."""


class StalePlanError(InputError):
    """The server changed since the plan was made; it must be made again."""


class RunBusyError(InputError):
    """Another live process is applying the same run."""


class EnvError(ImmkitError):
    """The environment (server, network, database) blocks the job."""

    exit_code = 3


class Unreachable(EnvError):
    """The server cannot be reached."""


class NotImmich(EnvError):
    """The URL answers, but it is not an Immich server."""


class UnsupportedVersion(EnvError):
    """The server's Immich version is below what immkit supports."""


class AuthError(EnvError):
    """The API key is missing or was rejected."""


class MissingPermission(EnvError):
    """The API key lacks a permission, or its user is not an admin."""


class DbUnavailable(EnvError):
    """PostgreSQL cannot be reached or refused the login."""


class UnknownLayout(EnvError):
    """The database schema is not one immkit knows how to change safely."""


class ApiError(EnvError):
    """An unexpected answer from the Immich API.

    Carries the method, the path template, the status and Immich's own message;
    never headers, query strings or keys.
    """

    def __init__(self, method: str, path: str, status: int, message: str) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        super().__init__(f"Immich answered {status} to {method} {path}: {message}")
