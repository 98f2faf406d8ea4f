"""Append-only rows: the record of supervision is never changed or removed by the application."""

from __future__ import annotations

from django.db import models


class RecordIsAppendOnly(Exception):
    """Someone tried to change or remove a supervision record."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise RecordIsAppendOnly(f"{self.model._meta.label} is append-only: update refused")

    def delete(self):
        raise RecordIsAppendOnly(f"{self.model._meta.label} is append-only: delete refused")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise RecordIsAppendOnly(f"{self._meta.label} is append-only: update refused")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordIsAppendOnly(f"{self._meta.label} is append-only: delete refused")
