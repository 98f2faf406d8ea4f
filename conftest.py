import os

os.environ.setdefault("GOVHALL_ENV", "test")
