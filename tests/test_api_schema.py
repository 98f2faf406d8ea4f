"""The OpenAPI schema generates and validates without a single warning (names, enums, types)."""

from __future__ import annotations

from django.core.management import call_command


def test_the_schema_has_no_warnings(tmp_path):
    # --fail-on-warn turns any drf-spectacular warning (an unnamed enum, an unknown type) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    assert "CaseStateEnum" in text and "CardKindEnum" in text
