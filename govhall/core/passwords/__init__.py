"""The password policy's commands: an app of its own, listed before django.contrib.auth, so that its
`createsuperuser` replaces Django's (the first app that names a command wins)."""
