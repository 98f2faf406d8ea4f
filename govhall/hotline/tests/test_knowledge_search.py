"""The operators' search of the knowledge base: words, pinyin initials, full pinyin, synonyms, ranked;
only published, unexpired entries; the catalogue's guides beside them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from govhall.catalog.models import Synonym
from govhall.hotline.knowledge import search
from govhall.hotline.knowledge.search import CATEGORY, EXACT, KEYWORD, PINYIN, SYNONYM, TITLE
from govhall.hotline.tests.knowledge_flow import drafted, published

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 7)


@pytest.fixture
def entries(kb):
    made = {
        "pension": published(kb),  # 城乡居民养老保险缴费标准, keywords 养老保险,缴费,社保
        "water": published(
            kb,
            title="停水通知查询方式",
            category="0201",
            kind="notice",
            keywords="停水,自来水",
            content="拨打自来水公司热线查询停水计划。",
        ),
        "old": published(
            kb,
            title="养老金旧标准",
            keywords="",
            expires_at=date(2026, 12, 1),
            valid_from=date(2025, 1, 1),
            now=kb.now - timedelta(days=30),
        ),
    }
    drafted(kb, title="养老保险草稿条目")
    Synonym.objects.create(term="社会保险", words="养老保险 医疗保险")
    return made


@pytest.mark.parametrize(
    ("query", "title", "how"),
    [
        ("城乡居民养老保险缴费标准", "城乡居民养老保险缴费标准", EXACT),
        ("养老保险", "城乡居民养老保险缴费标准", TITLE),
        ("社保", "城乡居民养老保险缴费标准", KEYWORD),
        ("cxjm", "城乡居民养老保险缴费标准", PINYIN),
        ("tingshui", "停水通知查询方式", PINYIN),
        ("社会保险", "城乡居民养老保险缴费标准", SYNONYM),
        ("水电气暖", "停水通知查询方式", CATEGORY),
        ("养老 缴费", "城乡居民养老保险缴费标准", TITLE),
    ],
)
def test_what_an_operator_types_finds_the_entry(entries, query, title, how):
    hits = search.search(query, today=TODAY)
    assert [h.title for h in hits][:1] == [title]
    assert hits[0].match == how


def test_drafts_and_expired_entries_are_hidden(entries):
    titles = [h.title for h in search.search("养老", today=TODAY)]
    assert titles == ["城乡居民养老保险缴费标准"]
    # Before it expired, the old entry was found: expiry is read at query time, no rebuild.
    assert "养老金旧标准" in [h.title for h in search.search("养老", today=date(2026, 11, 30))]


def test_a_title_match_ranks_before_a_keyword_match(entries, kb):
    published(kb, title="自来水缴费渠道", keywords="水费", category="0201")
    hits = search.search("自来水", today=TODAY)
    assert [h.title for h in hits] == ["自来水缴费渠道", "停水通知查询方式"]


def test_a_new_publication_is_found_at_the_next_check(entries, kb):
    assert search.search("供暖", today=TODAY) == []
    published(kb, title="供暖收费标准", keywords="暖气", category="0201")
    assert [h.title for h in search.search("供暖", today=TODAY)] == ["供暖收费标准"]


def test_the_index_is_kept_between_checks(entries, kb):
    ticks = [0.0]
    index = search.KnowledgeIndex(clock=lambda: ticks[0], interval=10)
    first = index.snapshot()
    published(kb, title="供暖收费标准", category="0201", valid_from=TODAY - timedelta(days=1))
    assert index.snapshot() is first  # within the interval: no query at all
    ticks[0] = 11
    assert index.snapshot() is not first and len(index.snapshot().titles) == len(first.titles) + 1
