"""The demo city's public guides: themes, synonyms and situations, so `make run` shows the portal at work."""

from __future__ import annotations

import pytest
from django.utils import timezone

from govhall.catalog import search
from govhall.catalog.models import ServiceItem, Theme
from govhall.catalog.situations import materials_for
from govhall.demo.city import load_demo_city

pytestmark = pytest.mark.django_db


def test_the_demo_city_has_themes_synonyms_and_situations(client):
    load_demo_city(now=timezone.now(), with_accounts=False)
    assert {"开办企业", "工程建设", "婚育"} <= set(Theme.objects.values_list("name", flat=True))
    assert all(theme.items.exists() for theme in Theme.objects.all())
    birth = ServiceItem.objects.get(name="出生登记", status="published")
    assert "父母结婚证" not in [m.name for m in materials_for(birth, {"married": "no"})]
    assert "父母结婚证" in [m.name for m in materials_for(birth, {"married": "yes"})]
    assert "内资企业设立登记" in [h.entry.name for h in search.search("营业执照")]
    html = client.get("/portal/").content.decode()
    assert "开办企业" in html and "泉山" in html
