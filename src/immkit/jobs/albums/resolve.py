"""Names in rules → ids on the server, with the closest names when one does not fit.

People are matched by their name as Immich shows it (case-insensitive, surrounding
spaces ignored), or by id. A name that fits no person, or several, is an input error:
guessing would fill an album with the wrong person's photos.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from immkit.errors import NotFoundError
from immkit.immich.models import Person, User
from immkit.immich.users import pick_user


@dataclass(frozen=True)
class Named:
    """Something a rule named, resolved: its id and the name to show."""

    id: str
    name: str


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def closest(wanted: str, names: Iterable[str], limit: int = 5) -> list[str]:
    """The names most like `wanted`, best first (case-insensitive)."""
    unique = sorted({n for n in names if n})
    by_fold: dict[str, str] = {}
    for name in unique:
        by_fold.setdefault(_fold(name), name)
    hits = difflib.get_close_matches(_fold(wanted), list(by_fold), n=limit, cutoff=0.5)
    # names that contain what was typed ("Ali" → "Alice") come first
    contains = [f for f in by_fold if _fold(wanted) in f]
    ranked = [*contains, *(h for h in hits if h not in contains)]
    return [by_fold[f] for f in ranked[:limit]]


def _hint(wanted: str, names: Iterable[str]) -> str:
    near = closest(wanted, names)
    return f"closest: {', '.join(near)}" if near else "no name is close"


def resolve_people(
    wanted: Sequence[str], people: Sequence[Person], *, rule: str, key: str = "people"
) -> list[Named]:
    """Each wanted name (or id) as exactly one of `people` (the key owner's, hidden included).

    Raises:
        NotFoundError: a name fits no person, or more than one (exit 2), with suggestions.
    """
    by_id: dict[str, Person] = {str(p.id): p for p in people}
    found: list[Named] = []
    for text in wanted:
        if text in by_id:
            person = by_id[text]
            found.append(Named(person.id, person.name or person.id))
            continue
        hits = [p for p in people if p.name and _fold(p.name) == _fold(text)]
        if not hits:
            raise NotFoundError(
                f"Album rule {rule!r}: no person is named {text!r} in {key} "
                f"({_hint(text, (p.name for p in people))}); use the name as Immich shows it."
            )
        if len(hits) > 1:
            ids = ", ".join(p.id for p in hits)
            raise NotFoundError(
                f"Album rule {rule!r}: {len(hits)} people are named {text!r} (ids {ids}); "
                "rename or merge them in Immich, or put the id in the rule instead of the name."
            )
        found.append(Named(hits[0].id, hits[0].name))
    return list({n.id: n for n in found}.values())


def resolve_user(text: str, users: Sequence[User], *, rule: str) -> Named:
    """A user to share with, by e-mail (case-insensitive) or id.

    Raises:
        NotFoundError: no such user, with the closest e-mails.
    """
    user = pick_user(users, text)
    if user is not None:
        return Named(user.id, user.email)
    raise NotFoundError(
        f"Album rule {rule!r}: no user has the e-mail {text!r} to share with "
        f"({_hint(text, (u.email for u in users))})."
    )


def resolve_tags(wanted: Sequence[str], tags: Sequence[Named], *, rule: str) -> list[Named]:
    """Tags by full path (`Places/Italy`), or by last segment when that is unique.

    `tags` holds each tag's id and full value.

    Raises:
        NotFoundError: a tag fits none or several tags, with the closest values.
    """
    found: list[Named] = []
    for text in wanted:
        exact = [t for t in tags if _fold(t.name) == _fold(text)]
        leaf = [t for t in tags if _fold(t.name.rsplit("/", 1)[-1]) == _fold(text)]
        hits = exact or leaf
        if len(hits) == 1:
            found.append(hits[0])
            continue
        if hits:
            values = ", ".join(t.name for t in hits)
            raise NotFoundError(
                f"Album rule {rule!r}: the tag {text!r} could be {values}; write its full path."
            )
        raise NotFoundError(
            f"Album rule {rule!r}: no tag is called {text!r} "
            f"({_hint(text, (t.name for t in tags))})."
        )
    # Immich 3.1 compares against the list's length: a repeated id would match nothing
    return list({t.id: t for t in found}.values())
