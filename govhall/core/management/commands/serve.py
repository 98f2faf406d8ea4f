"""`govhall serve`: the web server and the Huey consumer together, for a demo or a small office.

The web side is Django's runserver without the autoreloader (threaded, serves static files through
whitenoise, prints each request): the simplest thing that works on a fresh machine without extra
packages. The consumer runs as a child process (`run_huey`). Ctrl-C or SIGTERM stops both; on Linux the
child also gets SIGTERM from the kernel if this process dies without cleaning up, so no orphan consumer
is left behind. A production deployment runs a WSGI server and `govhall run_huey` as two services
instead (docs/deployment.md).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import socket
import subprocess
import sys
import threading
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.servers import basehttp
from django.urls import reverse

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask Linux to send SIGTERM to the consumer when `serve` dies, even by SIGKILL."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class _Stop(BaseException):
    """Raised in the main thread to leave runserver when SIGTERM arrives or the consumer dies."""


class Command(BaseCommand):
    help = "Serve the web pages and run the background consumer (Huey) together; Ctrl-C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
        parser.add_argument(
            "--no-consumer", action="store_true", help="serve the web pages only, without the Huey consumer"
        )

    def handle(self, *args, addr: str, port: int, no_consumer: bool, **options) -> None:
        if not 0 < port < 65536:
            raise CommandError(f"--port={port} must be between 1 and 65535")
        self._check_port_free(addr, port)
        consumer = None if no_consumer else self._start_consumer()
        stopping = threading.Event()
        self._consumer_failed: int | None = None

        def on_sigterm(signum: int, frame: FrameType | None) -> None:
            if not stopping.is_set():  # a second signal must not interrupt the clean-up
                stopping.set()
                raise _Stop("SIGTERM")

        previous = signal.signal(signal.SIGTERM, on_sigterm)
        # A process started in the background of a non-interactive shell (CI, nohup, a script's `&`)
        # inherits SIGINT ignored, and Python then installs no KeyboardInterrupt handler: Ctrl-C or
        # `kill -INT` would be lost and serve would never stop. Take SIGINT back explicitly.
        previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
        if consumer is not None:
            threading.Thread(target=self._watch, args=(consumer, stopping), daemon=True).start()
        host = f"[{addr}]" if ":" in addr else addr
        self.stdout.write(
            f"govhall: serving {settings.GOVHALL_CENTRE_NAME} at http://{host}:{port}/\n"
            f"         log in at http://{host}:{port}{reverse('login')} "
            f"(administration: http://{host}:{port}{reverse('admin:index')})\n"
            "         Ctrl-C stops the web server and the consumer."
        )
        # The development server names Python's version in every answer's Server header ("WSGIServer/0.2
        # CPython/3.11.x"): a gift to whoever looks for a known hole. This process only serves, so say less.
        basehttp.ServerHandler.server_software = "govhall"
        basehttp.WSGIRequestHandler.server_version, basehttp.WSGIRequestHandler.sys_version = "govhall", ""
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
        except (_Stop, KeyboardInterrupt):
            pass
        except SystemExit as exit_:  # runserver exits on Ctrl-C and when the port is taken
            if exit_.code not in (0, None):
                raise
        finally:
            stopping.set()
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the clean-up takes seconds at most
            try:
                if consumer is not None:
                    self._stop_consumer(consumer)
            finally:
                signal.signal(signal.SIGTERM, previous)
                signal.signal(signal.SIGINT, previous_int)
        if self._consumer_failed is not None:
            raise CommandError(f"the background consumer exited with code {self._consumer_failed}")

    def _check_port_free(self, addr: str, port: int) -> None:
        """Fail before starting the consumer: runserver ends the process abruptly when the port is taken."""
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((addr, port))
            except OSError as error:
                raise CommandError(f"cannot listen on {addr}:{port}: {error.strerror}") from None

    def _start_consumer(self) -> subprocess.Popen:
        env = dict(os.environ)
        env.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")
        consumer = subprocess.Popen(
            [sys.executable, "-m", "govhall.cli", "run_huey"],
            env=env,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        self.stdout.write(f"govhall: background consumer (Huey) started, pid {consumer.pid}")
        return consumer

    def _watch(self, consumer: subprocess.Popen, stopping: threading.Event) -> None:
        """If the consumer dies on its own, stop serving too: half a system should not look healthy."""
        code = consumer.wait()
        if not stopping.is_set():
            self._consumer_failed = code
            self.stderr.write(f"govhall: the consumer exited with code {code}; stopping the web server")
            os.kill(os.getpid(), signal.SIGTERM)

    def _stop_consumer(self, consumer: subprocess.Popen) -> None:
        if consumer.poll() is None:
            consumer.send_signal(signal.SIGTERM)
            try:
                consumer.wait(timeout=15)
            except subprocess.TimeoutExpired:
                consumer.kill()
                consumer.wait()
        self.stdout.write(f"govhall: background consumer stopped (exit code {consumer.returncode})")
