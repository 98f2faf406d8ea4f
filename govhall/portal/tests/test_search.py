"""Search finds items the way people type them, and ranks the most used first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.catalog import search
from govhall.catalog.models import ItemStatus
from govhall.catalog.services import revise_item
from govhall.portal import queries

pytestmark = pytest.mark.django_db


def names(query: str, **kwargs) -> list[str]:
    return [h.entry.name for h in search.search(query, **kwargs)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("税务登记", ["国税税务登记"]),  # words of the name
        ("登记", ["公司设立登记", "国税税务登记", "结婚登记"]),
        ("gsswdj", ["国税税务登记"]),  # pinyin initials
        ("GSSWDJ", ["国税税务登记"]),  # typed in capitals
        ("spjy", ["食品经营许可"]),  # part of the initials
        ("jiehun", ["结婚登记"]),  # full pinyin
        ("shipin xuke", ["食品经营许可"]),  # pinyin words, each must match
        ("营业执照", ["公司设立登记"]),  # a synonym kept in the admin
        ("yyzz", ["公司设立登记"]),  # the synonym's initials
        ("SC002", ["食品经营许可"]),  # the item code
        ("登记 公司", ["公司设立登记"]),  # every word must match
        ("护照", []),
    ],
)
def test_search_finds_words_pinyin_initials_and_synonyms(guides, query, expected):
    assert sorted(names(query)) == sorted(expected)


def test_the_most_used_item_comes_first(guides):
    use = {"MZ001": 50, "SW001": 10, "SC001": 3}
    assert names("登记", use=use) == ["结婚登记", "国税税务登记", "公司设立登记"]
    assert names("登记", use={"SC001": 99})[0] == "公司设立登记"


def test_an_exact_name_comes_before_more_used_items(guides):
    assert names("结婚登记", use={"SW001": 1000}) == ["结婚登记"]
    assert names("登记", use={"MZ001": 1}) == ["结婚登记", "公司设立登记", "国税税务登记"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"theme": "theme"}, {"公司设立登记", "国税税务登记"}),
        ({"hall": "township"}, {"公司设立登记"}),
        ({"department": "market"}, {"公司设立登记", "食品经营许可"}),
    ],
)
def test_filters_by_theme_hall_and_department(guides, filters, expected):
    resolved = {
        "theme": guides.theme.pk,
        "township": guides.township.pk,
        "market": guides.company.department_id,
    }
    kwargs = {k: resolved[v] for k, v in filters.items()}
    assert set(names("", **kwargs)) == expected


def test_only_the_version_in_force_is_found_and_a_new_version_stays_in_its_theme(guides, now):
    draft = revise_item(guides.company, by=None, now=now)
    assert draft.status == ItemStatus.DRAFT
    assert names("营业执照") == ["公司设立登记"]
    [hit] = search.search("营业执照")
    assert hit.entry.id == guides.company.pk
    from govhall.catalog.services import publish_item

    publish_item(draft, by=None, now=now)
    [hit] = search.search("", theme=guides.theme.pk, department=guides.company.department_id)
    assert hit.entry.id == draft.pk


def test_the_index_sees_a_change_made_by_another_process(guides):
    index = search.CatalogueIndex(interval=0)
    assert len(index.snapshot().entries) == 4
    # Another process withdraws an item: no signal here, the table's token tells.
    type(guides.food).objects.filter(pk=guides.food.pk).update(status=ItemStatus.WITHDRAWN)
    assert len(index.snapshot().entries) == 3


def test_search_page_lists_results_and_pages_without_counting_in_sql(
    guides, client, django_assert_max_num_queries
):
    queries.search_items("")  # counts of use read once
    with django_assert_max_num_queries(12):
        response = client.get(reverse("portal:search"), {"q": "yyzz"})
    assert response.status_code == 200
    assert "公司设立登记" in response.content.decode()
    response = client.get(reverse("portal:search"), {"q": "营业执照"})
    assert "公司设立登记" in response.content.decode()
    page = queries.search_items("登记", size=2)
    assert (page.total, page.has_next, len(page.hits)) == (3, True, 2)
    assert len(queries.search_items("登记", size=2, page=2).hits) == 1
