from django.apps import AppConfig


class PasswordsConfig(AppConfig):
    name = "govhall.core.passwords"
    label = "core_passwords"
