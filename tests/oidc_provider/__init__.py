"""A real OpenID Connect provider for the portal's sign-in tests: django-oauth-toolkit in a small Django
project of its own, run in a subprocess with its own SQLite file (see serve.py)."""
