"""Every free-text field of every form of the project has a maximum length (issue 20, finding 6), and the
frameworks' fields carry the shared bounds of govhall/core/inputs.py. A new form field without a limit
fails here, naming it."""

from __future__ import annotations

import importlib
import pkgutil

from django import forms
from django.urls import get_resolver
from django.utils import translation
from rest_framework import serializers

import govhall
from govhall.core import inputs


def project_forms() -> list[type[forms.BaseForm]]:
    assert get_resolver().url_patterns  # imports every view module, and the forms they use
    for module in pkgutil.walk_packages(govhall.__path__, "govhall."):
        leaf = module.name.rsplit(".", 1)[-1]
        if ".tests" in module.name or ".migrations" in module.name:
            continue
        if leaf.startswith(("forms", "views", "admin")):
            importlib.import_module(module.name)

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    return sorted(
        # Forms of the project, not those a test module defines (imported or not, by the order tests ran in).
        {
            c
            for c in below(forms.BaseForm)
            if c.__module__.startswith("govhall.") and ".tests" not in c.__module__
        },
        key=lambda c: (c.__module__, c.__name__),
    )


def test_there_are_forms_to_check():
    assert len(project_forms()) > 40


def test_every_free_text_field_of_every_form_has_a_maximum_length():
    unbounded = []
    for form in project_forms():
        for name, field in form.base_fields.items():
            if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
                continue  # a password is hashed, never stored or echoed (and sign-in is bounded by axes)
            if field.max_length is None and form.__module__ != "govhall.core.signin":
                unbounded.append(f"{form.__module__}.{form.__name__}.{name}")
            elif field.max_length is not None and field.max_length > inputs.LONG_TEXT_MAX:
                unbounded.append(f"{form.__module__}.{form.__name__}.{name} ({field.max_length})")
    assert not unbounded, "free text without a limit: " + ", ".join(unbounded)


def test_the_frameworks_fields_carry_the_shared_bounds():
    assert inputs.whole_number in serializers.IntegerField().validators
    assert inputs.whole_number in forms.IntegerField().validators
    assert inputs.in_calendar in serializers.DateField().validators
    assert inputs.in_calendar in forms.DateTimeField().validators
    assert inputs.finite in serializers.FloatField().validators
    text = serializers.CharField()
    assert any(isinstance(v, inputs.DefaultTextLimit) for v in text.validators)
    assert text.run_validation("x" * inputs.TEXT_MAX) is not None
    declared = serializers.CharField(max_length=inputs.LONG_TEXT_MAX)
    assert declared.run_validation("x" * (inputs.TEXT_MAX + 1))  # its own limit, not the default


def test_a_list_is_counted_before_its_entries_are_checked():
    field = serializers.ListField(child=serializers.IntegerField())
    try:
        with translation.override("en"):
            field.run_validation(["x"] * (inputs.LIST_MAX + 1))
    except serializers.ValidationError as refused:
        assert "At most 1000 entries" in str(refused.detail)
    else:  # pragma: no cover - the assertion's message
        raise AssertionError("a list of 1,001 entries was accepted")
