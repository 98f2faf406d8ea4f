"""Which open tickets look like the call being typed (重复件 suggestions), and the measures behind it.

A suggestion is an open ticket (not closed, not itself linked to a master) received within the configured
period (GOVHALL_HOTLINE_SIMILAR_DAYS) that has

- the same caller (the normalised phone number): a *repeat call* candidate, whatever its subject; or
- the same third-level subject, a place that is near and a text that is similar: a *duplicate* candidate.

Near: both tickets have coordinates and lie within GOVHALL_HOTLINE_SIMILAR_METRES (great-circle distance);
otherwise (one of them has none) both name the same area (街道/乡镇). Similar: the Dice coefficient of the
character bigrams (lowercased, NFKC, punctuation and spaces dropped) of the two titles, or of the two whole
texts (title + content), whichever is higher, is at least GOVHALL_HOTLINE_SIMILAR_PERCENT. Chinese has no
spaces, so the character bigram is the unit the search of the catalogue and the knowledge base also relies
on (substrings of two characters and more); Dice counts the shared bigrams over the sizes of both sets.
The titles are compared on their own because while the operator types, the new call has a title and a
little content, and a master's long content would otherwise dilute the score.

Speed: the candidates are read by two partial indexes (open tickets by subject, and by caller, newest
first), at most CANDIDATES of each, and the measures run in Python on those few rows: the same code and
the same answers on SQLite and PostgreSQL (bench/hotline_similar.py: 1,000,000 tickets)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q

from govhall.hotline.models import OPEN_TICKET_STATES, Ticket

CANDIDATES = 200  # per lookup (by subject, by caller): the newest open ones
EARTH_METRES = 6_371_000


def period_days() -> int:
    return int(settings.GOVHALL_HOTLINE_SIMILAR_DAYS)


def near_metres() -> int:
    return int(settings.GOVHALL_HOTLINE_SIMILAR_METRES)


def min_similarity() -> float:
    return int(settings.GOVHALL_HOTLINE_SIMILAR_PERCENT) / 100


# --- the measures ------------------------------------------------------------------------------------


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_METRES * math.asin(min(1.0, math.sqrt(h)))


def is_near(a: dict, b: dict, *, metres: int | None = None) -> tuple[bool, float | None]:
    """(near?, distance in metres or None). a and b: dicts with lat, lon, area (any may be None)."""
    if None not in (a.get("lat"), a.get("lon"), b.get("lat"), b.get("lon")):
        d = distance_metres(a["lat"], a["lon"], b["lat"], b["lon"])
        return d <= (near_metres() if metres is None else metres), d
    return a.get("area") is not None and a.get("area") == b.get("area"), None


_DROP = re.compile(r"\W+", re.UNICODE)


def bigrams(text: str) -> frozenset[str]:
    """The set of character bigrams of the text, NFKC-normalised, lowercased, without punctuation/spaces
    (全角 and 半角 forms read the same). A one-character text is its own bigram."""
    clean = _DROP.sub("", unicodedata.normalize("NFKC", text or "").lower())
    if len(clean) < 2:
        return frozenset({clean}) if clean else frozenset()
    return frozenset(clean[i : i + 2] for i in range(len(clean) - 1))


def similarity(a: frozenset[str] | str, b: frozenset[str] | str) -> float:
    """Dice coefficient of the bigram sets: 2·|A∩B| / (|A|+|B|), from 0 (nothing shared) to 1 (same)."""
    a = bigrams(a) if isinstance(a, str) else a
    b = bigrams(b) if isinstance(b, str) else b
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def call_similarity(title_a: str, content_a: str, title_b: str, content_b: str) -> float:
    """The higher of the titles' similarity and the whole texts' (title + content) similarity."""
    return max(similarity(title_a, title_b), similarity(f"{title_a}{content_a}", f"{title_b}{content_b}"))


def in_period(received_at: datetime, now: datetime, *, days: int | None = None) -> bool:
    """Received within the last `days` days before now (both ends included), not in the future."""
    return now - timedelta(days=period_days() if days is None else days) <= received_at <= now


# --- the suggestions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    ticket_id: int
    number: str
    title: str
    state: str
    subject_code: str
    received_at: datetime
    same_caller: bool
    near: bool
    distance_m: float | None
    similarity: float
    repeat_calls: int
    duplicates: int

    @property
    def kind(self) -> str:
        """ "repeat": the same caller (attach the call); "duplicate": another caller, same problem (link)."""
        return "repeat" if self.same_caller else "duplicate"

    @property
    def similarity_percent(self) -> int:
        return round(self.similarity * 100)


FIELDS = (
    "pk",
    "number",
    "title",
    "content",
    "state",
    "subject__code",
    "subject__level",
    "received_at",
    "caller_phone",
    "area__code",
    "lat",
    "lon",
    "repeat_calls",
)


def _code(value) -> str:
    return str(getattr(value, "code", value) or "").strip()


def _float(value) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def suggest(
    *,
    now: datetime,
    phone: str = "",
    subject=None,
    area=None,
    lat=None,
    lon=None,
    title: str = "",
    content: str = "",
    exclude: int | None = None,
    limit: int = 10,
) -> list[Suggestion]:
    """Open tickets of the period that look like this call, best first: the same caller first, then by
    text similarity. Subject and area are codes (or rows); bad or missing values just match less."""
    from govhall.hotline.services.intake import normalise_phone

    phone = normalise_phone(phone)
    subject_code, area_code = _code(subject), _code(area)
    here = {"lat": _float(lat), "lon": _float(lon), "area": area_code or None}
    if here["lat"] is None or here["lon"] is None:
        here["lat"] = here["lon"] = None
    since = now - timedelta(days=period_days())
    base = Ticket.objects.filter(state__in=OPEN_TICKET_STATES, received_at__gte=since, received_at__lte=now)
    if exclude is not None:
        base = base.exclude(pk=exclude)
    rows: dict[int, dict] = {}
    if len(phone) >= 7:
        for row in base.filter(caller_phone=phone).order_by("-received_at").values(*FIELDS)[:CANDIDATES]:
            rows[row["pk"]] = row
    text = bigrams(f"{title or ''}{content or ''}")
    if subject_code and text:
        place = Q()
        if area_code:
            place |= Q(area__code=area_code)
        if here["lat"] is not None:
            # A box around the point, a little larger than the circle; the distance decides below.
            dlat = near_metres() / 111_000 * 1.1
            dlon = dlat / max(math.cos(math.radians(here["lat"])), 0.01)
            place |= Q(lat__range=(here["lat"] - dlat, here["lat"] + dlat)) & Q(
                lon__range=(here["lon"] - dlon, here["lon"] + dlon)
            )
        if place:
            # Codes, not ids: one query with its joins instead of three round trips.
            by_subject = base.filter(place, subject__code=subject_code, subject__level=3)
            by_subject = by_subject.order_by("-received_at")
            for row in by_subject.values(*FIELDS)[:CANDIDATES]:
                rows.setdefault(row["pk"], row)
    threshold = min_similarity()
    found = []
    for row in rows.values():
        row["area"] = row["area__code"]
        same_caller = bool(phone) and row["caller_phone"] == phone
        near, metres = is_near(here, row)
        score = call_similarity(title, content, row["title"], row["content"]) if text else 0.0
        same_subject = row["subject__code"] == subject_code and row["subject__level"] == 3
        if not same_caller and not (same_subject and near and score >= threshold):
            continue
        found.append((row, same_caller, near, metres, score))
    found.sort(key=lambda f: (not f[1], -f[4], -f[0]["received_at"].timestamp()))
    found = found[:limit]
    counts = {}
    if found:
        linked = Ticket.objects.filter(master_id__in=[f[0]["pk"] for f in found])
        counts = dict(linked.values("master_id").annotate(n=Count("pk")).values_list("master_id", "n"))
    return [
        Suggestion(
            ticket_id=row["pk"],
            number=row["number"],
            title=row["title"],
            state=row["state"],
            subject_code=row["subject__code"],
            received_at=row["received_at"],
            same_caller=same_caller,
            near=near,
            distance_m=None if metres is None else round(metres),
            similarity=round(score, 3),
            repeat_calls=row["repeat_calls"],
            duplicates=counts.get(row["pk"], 0),
        )
        for row, same_caller, near, metres, score in found
    ]
