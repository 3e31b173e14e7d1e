"""CLI logging: levels, one handler, and secrets masked in every record."""

from __future__ import annotations

import io
import logging

import pytest
from rich.console import Console

from immkit.cli.logs import HANDLER_NAME, SecretFilter, add_secrets, setup_logging

CANARY = "canary-secret-5b8e1"

pytestmark = pytest.mark.usefixtures("restore_logging")


def our_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]


def test_filter_masks_secret_in_message_and_args_at_debug(
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup_logging(1, is_tty=False, secrets=[CANARY])
    log = logging.getLogger("immkit.test")
    log.debug("key is %s", CANARY)
    log.debug(f"inline {CANARY}")
    log.debug("as dict %(k)s", {"k": CANARY})
    err = capsys.readouterr().err
    assert CANARY not in err
    assert err.count("***") == 3
    assert "DEBUG immkit.test: key is ***" in err


def test_filter_masks_secret_in_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging(1, is_tty=False, secrets=[CANARY])
    try:
        raise ValueError(f"boom {CANARY}")
    except ValueError:
        logging.getLogger("immkit.test").debug("failed", exc_info=True)
    err = capsys.readouterr().err
    assert "ValueError: boom ***" in err
    assert CANARY not in err


def test_secrets_added_later_are_masked(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging(1, is_tty=False)
    add_secrets([CANARY])
    logging.getLogger("immkit").info("loaded %s", CANARY)
    assert CANARY not in capsys.readouterr().err


@pytest.mark.parametrize(
    "text",
    [
        f"headers {{'x-api-key': '{CANARY}', 'accept': 'json'}}",
        f"x-api-key: {CANARY}",
        f"connect postgresql://immich:{CANARY}@db:5432/immich",
        f"GET /x?password={CANARY}&y=1",
    ],
)
def test_secret_shapes_are_masked_without_being_known(text: str) -> None:
    masked = SecretFilter().mask(text)
    assert CANARY not in masked
    assert "***" in masked


def test_plain_format_on_a_pipe(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging(0, is_tty=False)
    logging.getLogger("immkit.jobs").info("step %d done", 2)
    assert capsys.readouterr().err == "INFO immkit.jobs: step 2 done\n"


def test_rich_handler_on_a_tty_writes_to_the_given_console() -> None:
    buffer = io.StringIO()
    setup_logging(0, is_tty=True, secrets=[CANARY], console=Console(file=buffer, width=100))
    logging.getLogger("immkit").warning("using %s", CANARY)
    assert "using ***" in buffer.getvalue()


def test_levels_follow_verbosity() -> None:
    setup_logging(0, is_tty=False)
    assert logging.getLogger("immkit").level == logging.INFO
    assert logging.getLogger("httpx").level == logging.WARNING
    setup_logging(1, is_tty=False)
    assert logging.getLogger("immkit").level == logging.DEBUG
    assert logging.getLogger("httpcore").level == logging.WARNING
    setup_logging(2, is_tty=False)
    assert logging.getLogger("httpx").level == logging.DEBUG
    setup_logging(-1, is_tty=False)
    assert logging.getLogger("immkit").level == logging.WARNING


def test_setup_twice_keeps_one_handler(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging(0, is_tty=False)
    setup_logging(0, is_tty=False)
    assert len(our_handlers()) == 1
    logging.getLogger("immkit").warning("once")
    assert capsys.readouterr().err.count("once") == 1
