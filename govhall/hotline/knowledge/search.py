"""Search of the knowledge base during a call: Chinese words, pinyin, pinyin initials, synonyms, ranked.

The approach of govhall.catalog.search: the published versions are held in this process as parallel lists
of short strings (title, keywords, "initials pinyin", category path), checked against the tables at most
every GOVHALL_KNOWLEDGE_CHECK_SECONDS (one aggregate: the last published version) and dropped
at once when this process publishes. A query is substring tests over those lists, no SQL, the same
on SQLite and PostgreSQL. Synonyms are the catalogue's table (社保 → 社会保险), re-read at each check.

Expired entries stay in the index and are skipped at query time (their date is compared with today), so an
entry disappears from the operators' search the day it expires without a rebuild. The catalogue's service
guides are searched by govhall.catalog.search and returned beside the entries, linking to the guide: the
catalogue stays their one source."""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max

from govhall.catalog.models import Synonym
from govhall.catalog.pinyin import pinyin_initials
from govhall.catalog.search import CheckedIndex
from govhall.hotline.models import KnowledgeCitation, KnowledgeEntry, KnowledgeVersion, VersionState

# How a result matched, best first.
EXACT, TITLE, KEYWORD, PINYIN, SYNONYM, CATEGORY = range(6)
NEVER = date.max.toordinal()


@dataclass(frozen=True)
class Hit:
    entry_id: int
    version_id: int
    title: str
    kind: str
    owner_id: int
    category: str
    match: int
    cited: int


@dataclass
class Snapshot:
    token: tuple
    entry_ids: list[int] = field(default_factory=list)
    version_ids: list[int] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # as written
    lower: list[str] = field(default_factory=list)  # lowercase titles
    keywords: list[str] = field(default_factory=list)
    latin: list[str] = field(default_factory=list)  # "initials pinyin"
    categories: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)
    expires: list[int] = field(default_factory=list)  # date ordinals; NEVER when no expiry
    combined: list[str] = field(default_factory=list)  # all four, one string per version
    cited: dict[int, int] = field(default_factory=dict)  # entry id → citations
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _token() -> tuple:
    # A publication always makes a new, higher version id and nothing unpublishes, so the highest
    # published version id (an index lookup on the foreign key) tells that something changed; expiry is
    # checked at query time.
    return (KnowledgeEntry.objects.aggregate(last=Max("published"))["last"],)


def _load(snap: Snapshot) -> None:
    rows = (
        KnowledgeVersion.objects.filter(state=VersionState.PUBLISHED)
        .order_by("entry_id")
        .values_list(
            "entry_id",
            "pk",
            "title",
            "keywords",
            "pinyin_initials",
            "pinyin",
            "entry__category__path",
            "kind",
            "entry__owner_id",
            "expires_at",
        )
    )
    for entry_id, pk, title, keywords, initials, pinyin, path, kind, owner, expires in rows.iterator(
        chunk_size=5000
    ):
        snap.entry_ids.append(entry_id)
        snap.version_ids.append(pk)
        snap.titles.append(title)
        snap.lower.append(title.lower())
        snap.keywords.append(keywords.lower())
        snap.latin.append(f"{initials} {pinyin}")
        snap.categories.append(path.lower())
        snap.kinds.append(kind)
        snap.owners.append(owner)
        snap.expires.append(expires.toordinal() if expires else NEVER)
    snap.combined = [
        "\x00".join(parts)
        for parts in zip(snap.lower, snap.keywords, snap.latin, snap.categories, strict=True)
    ]
    snap.cited = dict(
        KnowledgeCitation.objects.values_list("entry_id").annotate(n=Count("id")).values_list("entry_id", "n")
    )


def _synonyms() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for synonym in Synonym.objects.all():
        words = tuple(w.lower() for w in synonym.word_list)
        term = synonym.term.strip().lower()
        out.setdefault(pinyin_initials(term) or term, words)
        out[term] = words
    return out


class KnowledgeIndex(CheckedIndex):
    """Held and checked as the catalogue's search index is (catalog.search.CheckedIndex)."""

    SETTING = "GOVHALL_KNOWLEDGE_CHECK_SECONDS"

    def token(self):
        return _token()

    def build(self, token) -> Snapshot:
        snap = Snapshot(token=token)
        _load(snap)
        return snap

    def refresh(self, snap: Snapshot) -> None:
        snap.synonyms = _synonyms()

    def snapshot(self) -> Snapshot:
        return super().snapshot()


INDEX = KnowledgeIndex()
_SPLIT = re.compile(r"[\s,，、;；]+")


def _how(snap: Snapshot, i: int, token: str) -> int:
    if token in snap.lower[i]:
        return TITLE
    if token in snap.keywords[i]:
        return KEYWORD
    if token in snap.latin[i]:
        return PINYIN
    return CATEGORY


def _matches(snap: Snapshot, token: str, candidates: list[int] | None) -> dict[int, int]:
    """Index of each version the token matches → how. One pass of substring tests over the combined
    strings (of the candidates left by the earlier words, if any); only the matches are classified."""
    texts = snap.combined
    if candidates is None:
        hit = [i for i, text in enumerate(texts) if token in text]
    else:
        hit = [i for i in candidates if token in texts[i]]
    found = {i: _how(snap, i, token) for i in hit}
    for word in snap.synonyms.get(token, ()):
        if candidates is None:
            more = [i for i, text in enumerate(texts) if word in text]
        else:
            more = [i for i in candidates if word in texts[i]]
        for i in more:
            found.setdefault(i, SYNONYM)
    return found


def search(
    query: str, *, today: date, kind: str | None = None, owner: int | None = None, limit: int = 20
) -> list[Hit]:
    """Published, unexpired entries matching every word of the query: the title itself first, then title,
    keyword, pinyin, synonym and category matches; the most cited first among equals, then the shortest."""
    snap = INDEX.snapshot()
    query = (query or "").strip().lower()
    if not query:
        return []
    tokens = [query] if query in snap.synonyms else [t for t in _SPLIT.split(query) if t]
    matched: dict[int, int] | None = None
    for token in tokens:
        found = _matches(snap, token, None if matched is None else list(matched))
        matched = (
            found if matched is None else {i: max(h, found[i]) for i, h in matched.items() if i in found}
        )
        if not matched:
            return []
    day = today.toordinal()
    keep = [
        i
        for i in matched or {}
        if snap.expires[i] > day
        and (kind is None or snap.kinds[i] == kind)
        and (owner is None or snap.owners[i] == owner)
    ]

    def how(i: int) -> int:
        found = matched[i]
        return EXACT if found == TITLE and snap.lower[i] == query else found

    def rank(i: int) -> tuple:
        return (how(i), -snap.cited.get(snap.entry_ids[i], 0), len(snap.lower[i]), snap.entry_ids[i])

    return [
        Hit(
            snap.entry_ids[i],
            snap.version_ids[i],
            snap.titles[i],
            snap.kinds[i],
            snap.owners[i],
            snap.categories[i],
            how(i),
            snap.cited.get(snap.entry_ids[i], 0),
        )
        for i in heapq.nsmallest(limit, keep, key=rank)
    ]


def guides(query: str, *, limit: int = 5) -> list:
    """The catalogue's service guides matching the query (govhall.catalog.search), shown beside entries."""
    from govhall.catalog.search import search as catalogue_search

    query = (query or "").strip()
    if not query:
        return []
    return [hit.entry for hit in catalogue_search(query)[:limit]]


def forget() -> None:
    INDEX.reset()
