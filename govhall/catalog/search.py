"""Search of the published catalogue the way Chinese users type: words, pinyin, pinyin initials, synonyms.

The published items are held in this process as a list of small tuples (name, initials, full pinyin,
department, halls, code), checked against the table at most every GOVHALL_CATALOGUE_CHECK_SECONDS (a
one-row aggregate) and dropped at once when this process saves an item, as workdays does for the calendar.
A query is then substring tests over about 10,000 short strings, a few milliseconds, with no SQL at all;
synonyms and themes are small tables re-read at each check. Ranking by use takes the counts as a
parameter (the number of cases per item code): cases sit above the catalogue and are counted by the caller.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from govhall.catalog.models import ItemStatus, ServiceItem, Synonym, Theme, ThemeItem
from govhall.catalog.pinyin import pinyin_initials

# How a result matched, best first: the name holds the words; the pinyin or initials; a synonym.
NAME, PINYIN, SYNONYM = 0, 1, 2


@dataclass(frozen=True)
class Entry:
    id: int
    code: str
    name: str
    lname: str
    initials: str
    pinyin: str
    department_id: int
    hall_ids: frozenset[int]


@dataclass(frozen=True)
class Hit:
    entry: Entry
    match: int
    use: int


@dataclass
class Snapshot:
    token: tuple
    entries: list[Entry]
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    themes: dict[int, frozenset[str]] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)  # lowercase names, parallel to entries
    latin: list[str] = field(default_factory=list)  # "initials pinyin code", parallel to entries

    def __post_init__(self) -> None:
        self.names = [e.lname for e in self.entries]
        self.latin = [f"{e.initials} {e.pinyin} {e.code.lower()}" for e in self.entries]


def _token() -> tuple:
    row = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).aggregate(
        n=Count("id"), last=Max("id"), at=Max("published_at")
    )
    return (row["n"], row["last"], row["at"])


def _entries() -> list[Entry]:
    halls: dict[int, set[int]] = {}
    through = ServiceItem.halls.through
    for item_id, hall_id in through.objects.filter(serviceitem__status=ItemStatus.PUBLISHED).values_list(
        "serviceitem_id", "hall_id"
    ):
        halls.setdefault(item_id, set()).add(hall_id)
    rows = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).values_list(
        "id", "code", "name", "pinyin_initials", "pinyin", "department_id"
    )
    return [
        Entry(pk, code, name, name.lower(), initials, pinyin, dept, frozenset(halls.get(pk, ())))
        for pk, code, name, initials, pinyin, dept in rows
    ]


def _small_tables(snapshot: Snapshot) -> None:
    synonyms: dict[str, tuple[str, ...]] = {}
    for synonym in Synonym.objects.all():
        words = tuple(synonym.word_list)
        term = synonym.term.strip().lower()
        # Typed as pinyin initials too (yyzz for 营业执照), unless that would shadow a real term.
        synonyms.setdefault(pinyin_initials(term) or term, words)
        synonyms[term] = words
    snapshot.synonyms = synonyms
    themes: dict[int, set[str]] = {}
    for theme_id, code in ThemeItem.objects.values_list("theme_id", "code"):
        themes.setdefault(theme_id, set()).add(code)
    snapshot.themes = {k: frozenset(v) for k, v in themes.items()}


class CheckedIndex:
    """An index held in this process, checked against its tables at most every `interval` seconds (the
    setting `SETTING`, 2 by default): when the one-row token changes, the index is built again; the small
    tables (synonyms …) are re-read at each check. Subclasses say how: `token`, `build`, `refresh`. The
    knowledge base's search (hotline) holds its entries the same way."""

    SETTING = "GOVHALL_CATALOGUE_CHECK_SECONDS"

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, interval: float | None = None):
        self.clock = clock
        self.interval = interval
        self._snapshot = None
        self._fresh_until = float("-inf")
        self._lock = threading.Lock()

    def token(self):
        raise NotImplementedError

    def build(self, token):
        raise NotImplementedError

    def refresh(self, snap) -> None:
        """Re-read what is cheap enough to read at every check (nothing by default)."""

    def snapshot(self):
        snap = self._snapshot
        if snap is not None and self.clock() < self._fresh_until:
            return snap
        with self._lock:
            checked_at = self.clock()
            token = self.token()
            snap = self._snapshot
            if snap is None or snap.token != token:
                snap = self.build(token)
            self.refresh(snap)
            self._snapshot = snap
            self._fresh_until = checked_at + self._interval()
            return snap

    def reset(self) -> None:
        self._snapshot = None
        self._fresh_until = float("-inf")

    def _interval(self) -> float:
        if self.interval is not None:
            return self.interval
        from django.conf import settings

        return float(getattr(settings, self.SETTING, 2))


class CatalogueIndex(CheckedIndex):
    def token(self):
        return _token()

    def build(self, token) -> Snapshot:
        return Snapshot(token=token, entries=_entries())

    def refresh(self, snap: Snapshot) -> None:
        _small_tables(snap)

    def snapshot(self) -> Snapshot:
        return super().snapshot()


INDEX = CatalogueIndex()
_SPLIT = re.compile(r"[\s,，、;；]+")


def _matches(snap: Snapshot, token: str) -> dict[int, int]:
    """Index of each entry the token matches → how (NAME, PINYIN, SYNONYM); the best way wins.

    Comprehensions over parallel lists of strings: one pass per token and way, no call per entry.
    """
    found: dict[int, int] = {}
    words = snap.synonyms.get(token)
    if words:
        for word in words:
            found.update((i, SYNONYM) for i, name in enumerate(snap.names) if word in name)
    if token.isascii():
        found.update((i, PINYIN) for i, text in enumerate(snap.latin) if token in text)
    found.update((i, NAME) for i, name in enumerate(snap.names) if token in name)
    return found


def search(
    query: str = "",
    *,
    use: Mapping[str, int] | None = None,
    department: int | None = None,
    theme: int | None = None,
    hall: int | None = None,
) -> list[Hit]:
    """Published items matching every word of the query (all of them for an empty query), filtered, the
    most used first; among equally used ones, name matches before pinyin before synonyms."""
    snap = INDEX.snapshot()
    use = use or {}
    query = (query or "").strip().lower()
    # A synonym may contain a space ("business licence"): the whole query is tried as one term first.
    tokens = [query] if query in snap.synonyms else [t for t in _SPLIT.split(query) if t]
    matched: dict[int, int] | None = None
    for token in tokens:
        found = _matches(snap, token)
        if matched is None:
            matched = found
        else:
            matched = {i: max(how, found[i]) for i, how in matched.items() if i in found}
        if not matched:
            return []
    if matched is None:
        matched = dict.fromkeys(range(len(snap.entries)), NAME)
    codes = snap.themes.get(theme, frozenset()) if theme is not None else None
    hits = []
    for i, how in matched.items():
        entry = snap.entries[i]
        if department is not None and entry.department_id != department:
            continue
        if codes is not None and entry.code not in codes:
            continue
        if hall is not None and hall not in entry.hall_ids:
            continue
        hits.append(Hit(entry, how, use.get(entry.code, 0)))
    hits.sort(key=lambda h: (h.entry.lname != query, -h.use, h.match, len(h.entry.name), h.entry.code))
    return hits


def forget() -> None:
    INDEX.reset()


@receiver(post_save, sender=ServiceItem, dispatch_uid="catalog.search.item_saved")
@receiver(post_delete, sender=ServiceItem, dispatch_uid="catalog.search.item_deleted")
@receiver(post_save, sender=Synonym, dispatch_uid="catalog.search.synonym_saved")
@receiver(post_delete, sender=Synonym, dispatch_uid="catalog.search.synonym_deleted")
@receiver(post_save, sender=Theme, dispatch_uid="catalog.search.theme_saved")
@receiver(post_save, sender=ThemeItem, dispatch_uid="catalog.search.theme_item_saved")
@receiver(post_delete, sender=ThemeItem, dispatch_uid="catalog.search.theme_item_deleted")
@receiver(m2m_changed, sender=ServiceItem.halls.through, dispatch_uid="catalog.search.halls_changed")
def _catalogue_changed(sender, **kwargs) -> None:
    forget()
