"""gunicorn settings for govhall (docs/deployment.md "Running the web processes"):

    gunicorn -c deploy/gunicorn.conf.py govhall.wsgi:application

Every value can be changed by an environment variable of the same meaning, so the systemd units, the
container and the tests share this one file.
"""

import os

bind = os.environ.get("GOVHALL_BIND", "127.0.0.1:8000")
# Sync workers, one per core: a request spends most of its time on the CPU in Django (docs/deployment.md
# "How many workers"); threads or more workers than cores measured no better.
workers = int(os.environ.get("GOVHALL_WEB_WORKERS", os.cpu_count() or 2))
worker_class = "sync"
# The remote-help event stream holds a connection for up to GOVHALL_LIVE_STREAM_SECONDS; a threaded
# worker keeps it from blocking the others (GOVHALL_WEB_THREADS=8 turns sync into gthread).
threads = int(os.environ.get("GOVHALL_WEB_THREADS", "1"))
timeout = int(os.environ.get("GOVHALL_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter, so they never restart together): any slow
# growth of memory is bounded, and a replaced worker finishes its requests first.
max_requests = int(os.environ.get("GOVHALL_WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# The application is loaded in each worker after the fork: no database connection is shared by forks.
preload_app = False
accesslog = os.environ.get("GOVHALL_ACCESS_LOG", "-")
errorlog = "-"
# The proxy in front (nginx, the cloud's load balancer) sets X-Forwarded-*; govhall believes them only
# from GOVHALL_TRUSTED_PROXIES (govhall/core/addresses.py), so gunicorn may pass them through.
forwarded_allow_ips = os.environ.get("GOVHALL_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "govhall-web"
