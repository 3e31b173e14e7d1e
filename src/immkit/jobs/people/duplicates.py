"""Persons that share a name: list them with their photo counts, and plan their merge.

The person kept is the favourite, else the one with the most photos, else the oldest
in Immich's listing; the others are merged into it (faces moved, persons deleted).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from pydantic import JsonValue

from immkit.engine import Action, Effect, Plan
from immkit.immich import Immich, Person
from immkit.jobs.people.restore import MERGE

JOB = "people.duplicates"


@dataclass(frozen=True)
class Member:
    person: Person
    photos: int


@dataclass(frozen=True)
class Group:
    name: str
    members: tuple[Member, ...]  # the one kept first

    @property
    def keep(self) -> Member:
        return self.members[0]


def find_duplicates(immich: Immich) -> list[Group]:
    """Groups of two or more persons with the same name (ignoring case and spaces)."""
    by_name: dict[str, list[Person]] = defaultdict(list)
    for person in immich.people.iter_all(with_hidden=True):
        if person.name.strip():
            by_name[" ".join(person.name.split()).casefold()].append(person)
    groups = [people for people in by_name.values() if len(people) > 1]
    flat = [p for people in groups for p in people]
    counts = dict(
        zip(
            [p.id for p in flat],
            immich.client.map_concurrent(lambda p: immich.people.statistics(p.id), flat),
            strict=True,
        )
    )
    result = []
    for people in groups:
        members = [Member(p, counts[p.id]) for p in people]
        ordered = sorted(
            enumerate(members), key=lambda im: (not im[1].person.is_favorite, -im[1].photos, im[0])
        )
        result.append(Group(people[0].name.strip(), tuple(m for _, m in ordered)))
    return sorted(result, key=lambda g: g.name.casefold())


def plan_merge(groups: list[Group], *, profile: str | None = None) -> Plan:
    actions = []
    for group in groups:
        merged: list[JsonValue] = [
            {
                "person_id": m.person.id,
                "name": m.person.name,
                "birth_date": m.person.birth_date,
                "is_hidden": m.person.is_hidden,
                "is_favorite": m.person.is_favorite,
            }
            for m in group.members[1:]
        ]
        actions.append(
            Action(
                kind=MERGE,
                target=f"person:{group.keep.person.id}",
                target_label=group.name,
                params={"into": group.keep.person.id, "merged": merged},
                reason=f"{len(merged)} more persons named {group.name}",
                requests={"POST /people/{id}/merge": 1, "POST /search/metadata": len(merged)},
                effect=Effect.CHANGE,
                destructive=True,
            )
        )
    state = "\n".join(f"{m.person.id}:{m.photos}" for g in groups for m in g.members)
    return Plan(
        job=JOB,
        profile=profile,
        fingerprint=hashlib.sha256(state.encode()).hexdigest(),
        actions=tuple(actions),
        empty_message="No two persons share a name.",
    )
