"""Reads compiled once (core.prepared) give what the ORM gives; sessions and sign-in work through them."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.utils import timezone

from govhall.cases.tests.factories import UserFactory
from govhall.catalog.tests.factories import HallFactory
from govhall.core.auth import UserBackend
from govhall.core.models import Role
from govhall.core.prepared import Prepared
from govhall.core.sessions import SessionStore


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_a_prepared_read_gives_the_orm_rows_with_their_related_objects(db):
    hall = HallFactory(code="QS0001", name="泉山市政务服务中心")
    users = [UserFactory(role=Role.CLERK, hall=hall), UserFactory(role=Role.SUPERVISOR)]
    by_pk = Prepared(lambda pk: get_user_model().objects.select_related("hall").filter(pk=pk), (int,))
    for user in users:
        orm = get_user_model().objects.select_related("hall").get(pk=user.pk)
        mine = by_pk.first(user.pk)
        assert _fields(mine) == _fields(orm)
        assert mine._state.adding is False and mine._state.db == "default"
        assert (mine.hall and _fields(mine.hall)) == (orm.hall and _fields(orm.hall))
    assert by_pk.first(-1) is None


def test_sessions_expire_and_are_read_back_as_django_reads_them(db):
    store = SessionStore()
    store["answer"] = 42
    store.create()
    assert SessionStore(store.session_key).load() == {"answer": 42}
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None


def test_the_backend_reads_the_user_and_the_hall_in_one_statement(db, django_assert_num_queries):
    hall = HallFactory(code="QS0001", name="泉山市政务服务中心")
    clerk = UserFactory(role=Role.CLERK, hall=hall)
    with django_assert_num_queries(1):
        user = UserBackend().get_user(clerk.pk)
        assert user.hall.code == "QS0001"
    clerk.is_active = False
    clerk.save()
    assert UserBackend().get_user(clerk.pk) is None
    assert UserBackend().get_user("not a number") is None


def test_signing_in_and_using_the_session(client, db):
    hall = HallFactory(code="QS0001", name="泉山市政务服务中心")
    clerk = UserFactory(username="clerk", role=Role.CLERK, hall=hall)
    clerk.set_password("s3cret-pass-word")
    clerk.save()
    assert client.login(username="clerk", password="s3cret-pass-word")
    assert client.get("/api/v1/cases/").status_code == 200
    client.logout()
    assert client.get("/api/v1/cases/").status_code == 403
