"""Which target asset is which source asset, and which target face is which source face.

Pure functions, no server: people migration, library internalization and API-mode
transfer all reuse them. The API below is stable:

- `Box.from_pixels(x1, y1, x2, y2, image_width, image_height)`: a face box normalised to
  0..1 by the size of the image it was measured on (Immich measures on a preview whose
  size can differ between servers, so pixel boxes are not comparable).
- `iou(a, b)`: intersection over union of two boxes, 0..1.
- `match_faces(source, target, threshold=0.5)`: one-to-one best match, a list of
  `(source_index, target_index)` pairs whose IoU is at least `threshold`, best pairs
  first claimed (greedy on IoU, ties broken by index, so the result is deterministic).
- `AssetKey`: what identifies an asset across accounts and servers: checksum,
  originalFileName, taken time, and (optional) file size and pixel size.
- `match_assets(source_keys, target_keys)`: an `AssetMatch` with `pairs` (source id →
  target id and the `Method` that matched), `ambiguous` (source id → candidate target ids)
  and `missing` (source ids with no candidate at all). Levels, in order: same checksum;
  same originalFileName and taken time; same originalFileName alone. At each level a key
  shared by several unmatched assets on either side is narrowed by file size and pixel
  size where both sides know them; what is still not one-to-one is never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

DEFAULT_IOU = 0.5


@dataclass(frozen=True, slots=True)
class Box:
    """A face box in image-relative coordinates (0..1), x to the right, y down."""

    x1: float
    y1: float
    x2: float
    y2: float

    @classmethod
    def from_pixels(
        cls, x1: float, y1: float, x2: float, y2: float, image_width: int, image_height: int
    ) -> Box:
        """Normalise a pixel box by the size of the image it was measured on.

        Raises:
            ValueError: the image size is not positive.
        """
        if image_width <= 0 or image_height <= 0:
            raise ValueError(f"image size {image_width}x{image_height} is not positive")
        return cls(
            _clamp(min(x1, x2) / image_width),
            _clamp(min(y1, y2) / image_height),
            _clamp(max(x1, x2) / image_width),
            _clamp(max(y1, y2) / image_height),
        )

    def to_pixels(self, image_width: int, image_height: int) -> tuple[int, int, int, int]:
        """The box on an image of the given size, rounded to whole pixels."""
        return (
            round(self.x1 * image_width),
            round(self.y1 * image_height),
            round(self.x2 * image_width),
            round(self.y2 * image_height),
        )

    @property
    def area(self) -> float:
        return max(0.0, self.x2 - self.x1) * max(0.0, self.y2 - self.y1)


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def iou(a: Box, b: Box) -> float:
    """Intersection over union; 0 when the boxes do not overlap or are empty."""
    width = min(a.x2, b.x2) - max(a.x1, b.x1)
    height = min(a.y2, b.y2) - max(a.y1, b.y1)
    if width <= 0 or height <= 0:
        return 0.0
    inter = width * height
    union = a.area + b.area - inter
    return inter / union if union > 0 else 0.0


def match_faces(
    source: Sequence[Box], target: Sequence[Box], threshold: float = DEFAULT_IOU
) -> list[tuple[int, int]]:
    """One-to-one pairs `(source_index, target_index)` with IoU ≥ threshold, best first."""
    candidates = [
        (score, s, t)
        for s, a in enumerate(source)
        for t, b in enumerate(target)
        if (score := iou(a, b)) >= threshold and score > 0
    ]
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_s: set[int] = set()
    used_t: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, s, t in candidates:
        if s in used_s or t in used_t:
            continue
        used_s.add(s)
        used_t.add(t)
        pairs.append((s, t))
    return sorted(pairs)


# -- assets ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AssetKey:
    """The match keys of one asset. `taken_at` is an ISO 8601 instant as Immich sends it
    (`fileCreatedAt`); offsets and precision are normalised before comparing."""

    id: str
    checksum: str = ""
    original_file_name: str = ""
    taken_at: str = ""
    file_size: int | None = None
    width: int | None = None
    height: int | None = None


class Method(StrEnum):
    CHECKSUM = "checksum"
    NAME_AND_TIME = "name+time"
    NAME = "name"


@dataclass
class AssetMatch:
    """Source id → (target id, how); ambiguous source id → candidates; missing ids."""

    pairs: dict[str, tuple[str, Method]] = field(default_factory=dict)
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def target_of(self, source_id: str) -> str | None:
        found = self.pairs.get(source_id)
        return found[0] if found else None


def instant(value: str) -> str:
    """`taken_at` in one canonical form (UTC, milliseconds); unparseable text as given."""
    text = value.strip()
    if not text:
        return ""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _checksum(key: AssetKey) -> Hashable | None:
    return key.checksum or None


def _name_time(key: AssetKey) -> Hashable | None:
    if not key.original_file_name or not key.taken_at:
        return None
    return (key.original_file_name, instant(key.taken_at))


def _name(key: AssetKey) -> Hashable | None:
    return key.original_file_name or None


_LEVELS: tuple[tuple[Method, Callable[[AssetKey], Hashable | None]], ...] = (
    (Method.CHECKSUM, _checksum),
    (Method.NAME_AND_TIME, _name_time),
    (Method.NAME, _name),
)


def _agrees(a: AssetKey, b: AssetKey) -> bool:
    """File size and pixel size, where both sides know them, are equal."""
    for mine, theirs in ((a.file_size, b.file_size), (a.width, b.width), (a.height, b.height)):
        if mine is not None and theirs is not None and mine != theirs:
            return False
    return True


def _group(
    keys: Iterable[AssetKey], key_of: Callable[[AssetKey], Hashable | None]
) -> dict[Hashable, list[AssetKey]]:
    groups: dict[Hashable, list[AssetKey]] = defaultdict(list)
    for k in keys:
        if (key := key_of(k)) is not None:
            groups[key].append(k)
    return groups


def _match_level(
    sources: Iterable[AssetKey],
    targets: Iterable[AssetKey],
    key_of: Callable[[AssetKey], Hashable | None],
) -> tuple[dict[str, str], dict[str, set[str]]]:
    """One level: pairs that are one-to-one under this key, and the candidates of the rest."""
    pairs: dict[str, str] = {}
    candidates: dict[str, set[str]] = defaultdict(set)
    by_key_t = _group(targets, key_of)
    for key, group in _group(sources, key_of).items():
        others = by_key_t.get(key, [])
        for s in group:
            fitting = [t for t in others if _agrees(s, t)]
            rivals = [o for o in group if o is not s and any(_agrees(o, t) for t in fitting)]
            if len(fitting) == 1 and not rivals:
                pairs[s.id] = fitting[0].id
            else:
                candidates[s.id].update(t.id for t in fitting)
    return pairs, candidates


def match_assets(source: Iterable[AssetKey], target: Iterable[AssetKey]) -> AssetMatch:
    """Match source assets to target assets one-to-one, level by level (see module doc)."""
    open_sources = {k.id: k for k in source}
    open_targets = {k.id: k for k in target}
    order = list(open_sources)
    result = AssetMatch()
    candidates: dict[str, set[str]] = defaultdict(set)
    for method, key_of in _LEVELS:
        pairs, seen = _match_level(open_sources.values(), open_targets.values(), key_of)
        for sid, tid in pairs.items():
            result.pairs[sid] = (tid, method)
            del open_sources[sid]
            del open_targets[tid]
        for sid, tids in seen.items():
            candidates[sid] |= tids
    for sid in order:
        if sid in result.pairs:
            continue
        if candidates.get(sid):
            result.ambiguous[sid] = tuple(sorted(candidates[sid]))
        else:
            result.missing.append(sid)
    return result
