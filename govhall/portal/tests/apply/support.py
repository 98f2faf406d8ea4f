"""Shared set-up of the online-application tests: the cases' small city with an online item, an applicant,
files, and a draft filled in."""

from __future__ import annotations

from datetime import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.cases.tests.factories import resident_id
from govhall.portal import services

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

FILLED = {
    "applicant_kind": "person",
    "applicant_name": "张三",
    "id_type": "resident_id",
    "id_number": resident_id(),
    "phone": "13812345678",
    "delivery_method": "window",
}


def at(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}:00+08:00")


NOW = at("2026-03-02 09:00")  # a Monday


def upload(name: str = "scan.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def draft(world, *, user: str = "citizen", now: datetime = NOW):
    return services.start_application(by=world.users[user], now=now, item=world.item)


def complete(world, app, *, now: datetime = NOW, files: bool = True):
    """Fill the form and upload every required material."""
    app = services.save_draft(app, data=FILLED, by=app.owner, now=now, expected_version=app.version)
    if files:
        for material in world.item.materials.filter(required=True):
            services.upload_material(app, material=material.pk, file=upload(), by=app.owner, now=now)
    app.refresh_from_db()
    return app


def submitted(world, *, now: datetime = NOW):
    app = complete(world, draft(world, now=now), now=now)
    return services.submit_application(app, by=app.owner, now=now, expected_version=app.version)
