"""Settings of the test identity provider; serve.py fills in the port, the database file and the key."""

import os

SECRET_KEY = "oidc-provider-for-tests-only-never-deployed-anywhere"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "oidc_provider.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(os.path.dirname(__file__), "templates")],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["OIDC_PROVIDER_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
LOGIN_URL = "/accounts/login/"
# The relying party under test runs on the same host: its cookies must not overwrite ours.
SESSION_COOKIE_NAME = "op_session"
CSRF_COOKIE_NAME = "op_csrftoken"
ISSUER = f"http://127.0.0.1:{os.environ['OIDC_PROVIDER_PORT']}/o"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": ISSUER,
    "OIDC_RSA_PRIVATE_KEY": os.environ["OIDC_PROVIDER_KEY"],
    "SCOPES": {"openid": "OpenID Connect", "profile": "Name", "phone": "Mobile number"},
    "OAUTH2_VALIDATOR_CLASS": "oidc_provider.validator.Validator",
    "PKCE_REQUIRED": True,
    # The relying party is pytest-django's live server on http://localhost:<any port> (RFC 8252).
    "ALLOW_LOCALHOST_LOOPBACK": True,
}
