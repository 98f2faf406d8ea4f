"""Run the test identity provider: `python -m oidc_provider.serve PORT DBFILE` with tests/ on the path.

Creates its database, one person (citizen / PASSWORD) and one confidential client (CLIENT_ID / SECRET)
that may return to http://localhost:<any port>/portal/oidc/callback/, then serves HTTP until killed.
"""

import os
import sys

CLIENT_ID = "govhall-portal"
CLIENT_SECRET = "govhall-portal-secret-for-tests"
PASSWORD = "citizen-password-9"


def main() -> None:
    port, database = sys.argv[1], sys.argv[2]
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    os.environ["OIDC_PROVIDER_KEY"] = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    os.environ["OIDC_PROVIDER_PORT"] = port
    os.environ["OIDC_PROVIDER_DB"] = database
    os.environ["DJANGO_SETTINGS_MODULE"] = "oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    User.objects.create_user("citizen", password=PASSWORD)
    Application.objects.create(
        name="govhall portal",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="http://localhost/portal/oidc/callback/",
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)


if __name__ == "__main__":
    main()
