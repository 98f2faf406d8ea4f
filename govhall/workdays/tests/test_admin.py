"""The admin: load a notice (upload → preview → confirm), and hand edits that bump the revision."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.workdays import calendar
from govhall.workdays.models import CalendarDay, CalendarRevision, CalendarYear

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
URL = "/admin/workdays/calendarday/load-notice/"


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_upload_shows_the_preview_and_changes_nothing_until_confirmed(seeded_calendar, admin):
    before = CalendarDay.objects.count()
    content = (EXAMPLES / "notice-2027-example.yaml").read_bytes()
    response = admin.post(URL, {"file": upload("notice.yaml", content)})
    assert response.status_code == 200
    assert b'id="notice-preview"' in response.content
    assert "国庆节".encode() in response.content
    assert CalendarDay.objects.count() == before

    response = admin.post(URL, {"confirm": "1", **response.context["confirm_form"].initial})
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists()
    assert calendar.is_workday(date(2027, 10, 4)) is False


def test_a_bad_file_shows_every_problem_and_changes_nothing(seeded_calendar, admin):
    before = (CalendarDay.objects.count(), CalendarRevision.objects.count())
    content = "date_from,date_to,kind,name\n2027-13-01,,rest,x\n2027-02-05,,holiday,春节\n".encode()
    response = admin.post(URL, {"file": upload("bad.csv", content)})
    assert response.status_code == 200
    problems = response.context["problems"]
    assert {p.field for p in problems} >= {"year", "title", "source", "date_from", "kind"}
    assert b'id="notice-problems"' in response.content
    assert (CalendarDay.objects.count(), CalendarRevision.objects.count()) == before


def test_the_load_view_needs_change_rights(seeded_calendar, client, django_user_model):
    user = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_editing_a_day_in_the_admin_adds_a_revision_and_changes_the_arithmetic(seeded_calendar, admin):
    version = calendar.calendar_version()
    response = admin.post(
        "/admin/workdays/calendarday/add/",
        {"date": "2027-03-03", "is_workday": "", "name": "三月三", "source": "local", "scope": "local"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert calendar.calendar_version() > version
    assert calendar.is_workday(date(2027, 3, 3)) is False

    day = CalendarDay.objects.get(date=date(2027, 3, 3))
    version = calendar.calendar_version()
    response = admin.post(f"/admin/workdays/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert calendar.calendar_version() > version
    assert calendar.is_workday(date(2027, 3, 3)) is True


def test_revisions_are_read_only_in_the_admin(seeded_calendar, admin):
    revision = CalendarRevision.objects.order_by("id").first()
    assert admin.get("/admin/workdays/calendarrevision/").status_code == 200
    assert admin.get("/admin/workdays/calendarrevision/add/").status_code == 403
    assert (
        admin.post(f"/admin/workdays/calendarrevision/{revision.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )


def test_the_day_list_links_to_the_notice_loader(seeded_calendar, admin):
    assert URL.encode() in admin.get("/admin/workdays/calendarday/").content
    assert admin.get(URL).status_code == 200
