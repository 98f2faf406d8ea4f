"""The OpenAPI schema's shared parts (SPECTACULAR_SETTINGS["DEFAULT_SCHEMA_CLASS"]: core.schema.AutoSchema).

Every operation gets:
- the error answers it can give, each with the one error component `Error` (core.api_errors):
  400 (bad input: a field, a filter, a page), 401 (a token or a password that failed), 403 (not this
  role or unit, or a session without its CSRF token), 404 (a path with an id, or a write whose body
  names an object: none, or not yours to see), 409 (a write: a stale version, a state that does not
  allow it), 415 (a write's body of another media type), 428 (a write that needs If-Match), 429
  (sign-in locked); a description that an operation gave keeps its text;
- `x-roles`: the roles whose permission classes let them call it (and `anonymous` when no sign-in is
  needed), computed by asking the view's permission classes about a user of each role, and the same
  sentence in the description. Object rules come on top (a handler sees his department's cases, a
  citizen his own): the list says who may call, not what each one sees. The authorisation matrix
  test reads `x-roles` (docs/api.md "Who may call").
"""

from __future__ import annotations

from types import SimpleNamespace

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from govhall.core.models import Role, User

ANONYMOUS = "anonymous"
STAFF_FLAGS = {Role.ADMIN: {"is_staff": True, "is_superuser": True}}


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True,
        help_text="The request field (nested as `items.0.name`), or null for the whole request.",
    )
    rule = serializers.CharField(help_text="The rule broken, for programs: `required`, `max_length`, ...")
    message = serializers.CharField(help_text="What is wrong, in the request's language.")


class ErrorSerializer(serializers.Serializer):
    """Every 4xx of the API: the first message and rule, and every error with its field."""

    detail = serializers.CharField(help_text="The first message, for a person.")
    code = serializers.CharField(help_text="The rule of the first error, for a program.")
    errors = ErrorItemSerializer(many=True)


ERROR_STATUSES = {
    "400": "Bad input: each error names the field and the rule.",
    "401": "The token or password failed (expired, revoked, wrong).",
    "403": "Not allowed for this role, department or hall (or a session write without its CSRF token).",
    "404": "No such object (in the path, or named in the body), or not yours to see.",
    "409": "Stale version (reload and send the current one), or not allowed in the current state.",
    "415": "The body's media type is not one this operation reads (JSON, a form, or a file upload).",
    "428": 'Send the version you read: If-Match: "<version>" or a "version" field.',
    "429": "Too many failed sign-ins from this address or for this account: locked for a while.",
}


class _Request(SimpleNamespace):
    pass


def roles_allowed(view, method: str) -> list[str]:
    """The roles (and `anonymous`) that the view's permission classes let call `method`."""
    out: list[str] = []
    candidates: list[tuple[str, object]] = [(ANONYMOUS, _anonymous())]
    for role in Role.values:
        user = User(username=f"schema-{role}", role=role, is_active=True, **STAFF_FLAGS.get(role, {}))
        candidates.append((role, user))
    for name, user in candidates:
        request = _Request(method=method.upper(), user=user, auth=None, query_params={}, data={})
        try:
            allowed = all(p.has_permission(request, view) for p in view.get_permissions())
        except Exception:  # a permission that needs the database or the object: let the view decide
            allowed = name != ANONYMOUS
        if allowed:
            out.append(name)
    return out


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


class AutoSchema(SpectacularAutoSchema):
    def _error_statuses(self) -> list[str]:
        codes = ["400", "401", "403", "429"]
        writes = self.method.upper() not in SAFE_METHODS
        if "{" in self.path or writes:
            codes.append("404")  # the path's object, or one the body names (a slot, a window group)
        if writes:
            codes += ["409", "415", "428"]
        return codes

    def _get_response_bodies(self, direction: str = "response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_statuses():
            existing = responses.get(code) or {}
            body = self._get_response_for_code(ErrorSerializer, code)
            body["description"] = existing.get("description") or ERROR_STATUSES[code]
            responses[code] = body
        # An error answer an operation declared beyond these (405, 413, ...) gets the same component.
        for code, existing in list(responses.items()):
            if code.startswith("4") and code not in self._error_statuses():
                body = self._get_response_for_code(ErrorSerializer, code)
                body["description"] = existing.get("description") or code
                responses[code] = body
        return responses

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        roles = roles_allowed(self.view, method)
        operation["x-roles"] = roles
        who = ", ".join(roles) if roles else "nobody"
        sentence = f"Who may call: {who}."
        description = operation.get("description", "")
        operation["description"] = f"{description}\n\n{sentence}".strip()
        return operation
