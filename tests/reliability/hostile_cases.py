"""The hostile-input table: every case, its command, and the exit code DESIGN.md documents.

docs/reliability.md lists the same cases (a test checks the two agree). A case's config
is a profile on the simulator (canary key, canary DB password, 2 s timeout) plus the
album rules of the scenarios, unless the case replaces a part of it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from tests.reliability.scenarios import ADMIN_KEY, ALBUM_RULES, BOB_KEY


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]
    code: int
    profile: str = ""  # extra lines in [profiles.home]
    rules: str = ALBUM_RULES  # the rest of the config file ({url}: the server's)
    env: dict[str, str] = field(default_factory=dict)
    server: str | None = None  # a servers.ANSWERS kind instead of the simulator
    url: str | None = None  # or this URL
    raw_config: str | None = None  # the whole config file, as written
    journal: bytes | None = None  # the journal file's content
    synced: bool = False  # a real `albums sync` ran before the case
    no_profile: bool = False  # no config file at all (the environment only)
    sim_version: tuple[int, int, int] | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # written in the work folder
    says: str = ""  # stderr must contain this (e.g. the bad line's number)


NOT_UTF8_NAME = os.fsdecode(b"conf-\xff\xfe.toml")
NOT_UTF8_ARG = os.fsdecode(b"caf\xe9")  # Latin-1 bytes on a UTF-8 command line
NOT_UTF8_EXPORT = os.fsdecode(b"people-\xff.jsonl")
HEADER = b'{"type": "header", "format": "immkit-people", "version": 1}\n'
PERSON = b'{"type": "person", "id": "p1", "name": "Alice"}\n'
# more profiles on the same server: the sample's admin, bob, and alice again
PROFILES = (
    ALBUM_RULES
    + "".join(
        f'[profiles.{name}]\nurl = "{{url}}"\napi_key = "{key}"\n'
        for name, key in (("admin", ADMIN_KEY), ("bob", BOB_KEY))
    )
    + '[profiles.alice2]\nurl = "{url}"\napi_key_file = "api_key"\n'
)  # alice's key again
HOLIDAYS = ("transfer", "--album", "Holidays")
TO_BOB = ("transfer", "--to", "bob@example.com", "--mode", "api", "--to-profile", "bob", "--yes")
INTERNALIZE = ("--profile", "admin", "library", "internalize", "Alice's folder")

CASES: list[Case] = [
    # -- configuration -------------------------------------------------------------------
    Case("config: TOML syntax error", ("doctor",), 2, raw_config="[profiles.home\nurl ="),
    Case('config: wrong type (concurrency = "eight")', ("doctor",), 2, 'concurrency = "eight"'),
    Case("config: unknown key in a profile", ("doctor",), 2, 'colour = "blue"'),
    Case("config: negative timeout", ("doctor",), 2, "timeout = -1"),
    Case("config: CA file that is not a certificate", ("doctor",), 2, 'ca_file = "api_key"'),
    Case(
        "config: url is not http(s)",
        ("doctor",),
        2,
        raw_config='[profiles.home]\nurl = "ftp://immich.local"\napi_key_file = "api_key"\n',
    ),
    Case(
        "config: api_key_file does not exist",
        ("doctor",),
        2,
        raw_config='[profiles.home]\nurl = "http://127.0.0.1:9"\napi_key_file = "nope"\n',
    ),
    Case("config: --config is a directory", ("--config", ".", "doctor"), 2),
    Case("config: file is not UTF-8", ("--config", "latin.toml", "doctor"), 2),
    Case("config: non-UTF-8 file name", ("--config", NOT_UTF8_NAME, "doctor"), 2),
    Case("config: unknown --profile", ("--profile", "nope", "doctor"), 2),
    Case(
        "env: IMMICH_INSTANCE_URL is not a URL",
        ("doctor",),
        2,
        env={"IMMICH_INSTANCE_URL": "immich.local"},
        no_profile=True,
    ),
    Case(
        "env: IMMICH_API_KEY_FILE does not exist",
        ("doctor",),
        2,
        env={"IMMICH_INSTANCE_URL": "http://127.0.0.1:9", "IMMICH_API_KEY_FILE": "nope"},
        no_profile=True,
    ),
    Case("env: IMMKIT_PROFILE unknown", ("doctor",), 2, env={"IMMKIT_PROFILE": "nope"}),
    # -- albums sync ---------------------------------------------------------------------
    Case("albums: unknown rule name", ("albums", "sync", "Nope"), 2),
    Case("albums: unknown person", ("albums", "sync", "--album", "X", "--person", "Zed"), 2),
    Case(
        "albums: match = none with people",
        ("albums", "sync"),
        2,
        rules='[[albums]]\nname = "X"\nmatch = "none"\npeople = ["Alice"]\n',
    ),
    Case("albums: wrong type in a rule", ("albums", "sync"), 2, rules="[[albums]]\nname = 7\n"),
    Case("albums: --match sometimes", ("albums", "sync", "--album", "X", "--match", "often"), 2),
    Case(
        "albums: --taken-after is not a date",
        ("albums", "sync", "--album", "X", "--taken-after", "last easter"),
        2,
    ),
    Case("albums: --type sound", ("albums", "sync", "--album", "X", "--type", "sound"), 2),
    Case(
        "albums: share with an unknown user",
        ("albums", "sync"),
        2,
        rules='[[albums]]\nname = "X"\npeople = ["Alice"]\nshare = ["zed@example.com"]\n',
    ),
    Case(
        "albums: bad rule in env (IMMKIT_ALBUM_MATCH)",
        ("albums", "sync"),
        2,
        rules="",
        env={"IMMKIT_ALBUM_NAME": "Kids", "IMMKIT_ALBUM_MATCH": "sometimes"},
    ),
    Case(
        "albums: quotes + emoji album, person matching case-insensitively only (dry run)",
        ("albums", "sync", "--album", 'Dana "D" 🎉', "--person", "aLiCe", "--dry-run"),
        0,
    ),
    # -- daemon ----------------------------------------------------------------------------
    Case(
        'daemon: schedule "every blue moon"',
        ("daemon", "--once"),
        2,
        rules='[[albums]]\nname = "X"\npeople = ["Alice"]\nschedule = "every blue moon"\n',
    ),
    Case(
        "daemon: cron minute 61",
        ("daemon", "--once"),
        2,
        rules='[[albums]]\nname = "X"\npeople = ["Alice"]\nschedule = "61 * * * *"\n',
    ),
    Case(
        "daemon: workers = 0",
        ("daemon", "--once"),
        2,
        rules=ALBUM_RULES + "[daemon]\nworkers = 0\n",
    ),
    Case(
        'daemon: notify on = ["sometimes"]',
        ("daemon", "--once"),
        2,
        rules=ALBUM_RULES + '[notify]\non = ["sometimes"]\n',
    ),
    # -- runs ------------------------------------------------------------------------------
    Case("runs: show an unknown run", ("runs", "show", "20990101-000000-dead"), 2),
    Case("runs: undo an unknown run", ("runs", "undo", "nope", "--yes"), 2),
    Case("runs: truncated journal", ("runs", "list"), 2, journal=b"TRUNCATED"),
    Case("runs: journal is a text file", ("runs", "list"), 2, journal=b"hello, not sqlite\n" * 40),
    Case("runs: undo without --yes and no TTY", ("runs", "undo", "LAST"), 2, synced=True),
    Case("runs: a run id that is not UTF-8", ("runs", "show", NOT_UTF8_ARG), 2, synced=True),
    Case(
        "albums: an album name that is not UTF-8 (dry run)",
        ("albums", "sync", "--album", NOT_UTF8_ARG, "--person", "Alice", "--dry-run"),
        2,
    ),
    # -- the server ------------------------------------------------------------------------
    Case("server: garbage JSON", ("doctor",), 3, server="garbage"),
    Case("server: HTML instead of JSON", ("albums", "sync"), 3, server="html"),
    Case("server: hangs (timeout = 0.5)", ("doctor",), 3, "timeout = 0.5", server="hang"),
    Case("server: 10 GB Content-Length", ("albums", "sync"), 3, server="huge"),
    Case("server: connection refused", ("albums", "sync"), 3, url="http://127.0.0.1:9"),
    Case("server: API key rejected", ("doctor",), 3, env={"IMMICH_API_KEY": "wrong-key"}),
    Case("server: Immich 2.9 (too old)", ("albums", "sync"), 3, sim_version=(2, 9, 0)),
    Case("database: unreachable (doctor --db)", ("doctor", "--db"), 3),
    # -- people ----------------------------------------------------------------------------
    Case(
        "people: malformed export file (the bad line is named)",
        ("people", "import", "WORK/people.jsonl"),
        2,
        files={"people.jsonl": HEADER + PERSON + b'{"type": "face", "person": \n'},
        says="Line 3 of",
    ),
    Case(
        "people: export file with an unknown version",
        ("people", "import", "WORK/people.jsonl"),
        2,
        files={"people.jsonl": HEADER.replace(b"1}", b"99}") + PERSON},
    ),
    Case("people: export file does not exist", ("people", "import", "WORK/nope.jsonl"), 2),
    Case(
        "people: malformed export file with a non-UTF-8 name",
        ("people", "import", "WORK/" + NOT_UTF8_EXPORT),
        2,
        files={NOT_UTF8_EXPORT: HEADER + b"not json\n"},
        says="Line 2 of",
    ),
    Case(
        "people: export file is binary",
        ("people", "import", "WORK/people.jsonl"),
        2,
        files={"people.jsonl": b"\xff\xfe\x00garbage\x00" * 50},
    ),
    Case(
        "people: migrate --from and --to the same profile",
        ("people", "migrate", "--from", "home", "--to", "home"),
        2,
    ),
    Case(
        "people: migrate to an unknown profile",
        ("people", "migrate", "--from", "home", "--to", "nope"),
        2,
    ),
    # -- transfer --------------------------------------------------------------------------
    Case(
        "transfer: to the album's own owner",
        (*HOLIDAYS, "--to", "alice@example.com", "--mode", "api", "--to-profile", "alice2"),
        2,
        rules=PROFILES,
    ),
    Case(
        "transfer: unknown album",
        (*TO_BOB[:1], "--album", "Nope", *TO_BOB[1:]),
        2,
        rules=PROFILES,
    ),
    Case(
        "transfer: unknown target user (zed, with --to-profile bob)",
        (*HOLIDAYS, "--to", "zed@example.com", "--mode", "api", "--to-profile", "bob", "--yes"),
        2,
        rules=PROFILES,
    ),
    Case(
        "transfer: --to-profile holds another user's key than --to",
        (*HOLIDAYS, "--to", "bob@example.com", "--mode", "api", "--to-profile", "admin", "--yes"),
        2,
        rules=PROFILES,
    ),
    Case("transfer: --mode ftp", (*HOLIDAYS, "--to", "bob@example.com", "--mode", "ftp"), 2),
    Case(
        "transfer: API mode without the target's profile",
        (*HOLIDAYS, "--to", "bob@example.com", "--mode", "api", "--yes"),
        2,
    ),
    Case(
        "transfer: API mode without --yes and no TTY", (*HOLIDAYS, *TO_BOB[1:-1]), 2, rules=PROFILES
    ),
    Case(
        "transfer: DB unreachable, the canary password in database_url is never printed",
        (*HOLIDAYS, "--to", "bob@example.com", "--mode", "db", "--yes"),
        3,
    ),
    # -- library ---------------------------------------------------------------------------
    Case("library: a non-admin key", ("library", "internalize", "Alice's folder", "--yes"), 3),
    Case(
        "library: unknown library",
        ("--profile", "admin", "library", "internalize", "Nope", "--yes"),
        2,
        rules=PROFILES,
    ),
    Case(
        "library: owned by another user and no --owner-profile",
        ("--profile", "admin", "library", "internalize", "Alice's folder", "--yes"),
        2,
        rules=PROFILES,
    ),
    Case(
        "library: internalize without --yes and no TTY",
        (*INTERNALIZE, "--owner-profile", "home"),
        2,
        rules=PROFILES,
    ),
    Case(
        "library: --concurrency 0",
        (*INTERNALIZE, "--owner-profile", "home", "--concurrency", "0", "--dry-run"),
        2,
        rules=PROFILES,
    ),
]
