"""Typed settings from the environment. Each helper fails loudly, naming the variable and the rule."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import math
import os
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url


class ConfigError(RuntimeError):
    """A setting from the environment is missing or malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ConfigError(f"{name} is required but not set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{name}={value!r} is not a boolean (use one of 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not an integer") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name}={number} must be at least {minimum}")
    return number


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a number") from None
    if not math.isfinite(number) or number < minimum:
        raise ConfigError(f"{name}={value} must be a finite number of at least {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def env_json_list(name: str, default: list) -> list:
    """A JSON list (e.g. WebRTC ICE servers); anything else fails, naming the variable."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        parsed = json.loads(value)
    except ValueError as error:
        raise ConfigError(f"{name} is not valid JSON: {error}") from None
    if not isinstance(parsed, list) or not all(isinstance(entry, dict) for entry in parsed):
        raise ConfigError(f'{name} must be a JSON list of objects, e.g. [{{"urls": "stun:host:3478"}}]')
    return parsed


def env_networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated addresses or networks (``10.0.0.5, 172.16.0.0/12, ::1``); empty by default."""
    networks = []
    for part in env_list(name, []):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ConfigError(
                f"{name}: {part!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)"
            ) from None
    return tuple(networks)


def database_config(url: str, *, base_dir: Path) -> dict:
    """Turn `sqlite:///path` or `postgres://user@host:port/name` into a Django DATABASES entry.

    Relative SQLite paths are taken from the project directory so that `make run` and tests agree.
    """
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
        if not path:
            raise ConfigError(
                f"GOVHALL_DATABASE_URL={url!r}: a SQLite URL needs a file, e.g. sqlite:///var/db.sqlite3"
            )
        file = Path(path) if Path(path).is_absolute() else base_dir / path
        file.parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "govhall.core.sqlite",
            "NAME": str(file),
            # IMMEDIATE transactions make SQLite writers queue instead of failing with "database is locked"
            # half-way through a service; WAL lets readers run beside one writer.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Tests run in memory. Said explicitly: pytest-django recognises an unnamed SQLite test database
            # only under Django's own engine name and would derive a file name per xdist worker.
            "TEST": {"NAME": ":memory:"},
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
        config["ENGINE"] = "django.db.backends.postgresql"
        return config
    raise ConfigError(
        f"GOVHALL_DATABASE_URL={url!r}: unsupported scheme {scheme!r} (use sqlite:///… or postgres://…)"
    )


def replica_config(url: str, primary: dict, *, base_dir: Path) -> dict:
    """The read replica's DATABASES entry: PostgreSQL only, beside a PostgreSQL primary; a short connect
    timeout, so that a replica that is down costs a page at most two seconds once per check period."""
    config = database_config(url, base_dir=base_dir)
    if config["ENGINE"] != "django.db.backends.postgresql" or primary["ENGINE"] != config["ENGINE"]:
        raise ConfigError(
            f"GOVHALL_REPLICA_URL={url!r}: a read replica is a PostgreSQL standby of a PostgreSQL primary"
        )
    config["OPTIONS"] = {**config.get("OPTIONS", {}), "connect_timeout": 2}
    config["CONN_HEALTH_CHECKS"] = True
    # The tests have no second server: the alias reads the test database itself.
    config["TEST"] = {"MIRROR": "default"}
    return config


def queue_config(database: dict, *, data_dir: Path, redis_url: str) -> dict:
    """Where an instance's background queue (Huey) lives: it follows the instance's own database, so two
    instances started from one checkout with different databases never run each other's tasks.

    - Redis: the queue's name carries the database (``govhall.<name>.<hash>``), on whatever server.
    - SQLite database ``…/x.sqlite3``: the queue file ``…/x.queue.sqlite3`` beside it.
    - PostgreSQL: ``<data dir>/queue-<name>-<hash>.sqlite3``, the hash of host, port and database name.
    """
    engine, name = database["ENGINE"], str(database["NAME"])
    if engine == "django.db.backends.postgresql":
        where = f"{database.get('HOST') or ''}:{database.get('PORT') or ''}/{name}"
    else:
        where = str(Path(name).resolve())
    digest = hashlib.sha256(where.encode()).hexdigest()[:10]
    slug = "".join(c if c.isalnum() or c in "-_" else "-" for c in Path(name).stem)[:40] or "db"
    if redis_url:
        return {"huey_class": "huey.RedisHuey", "url": redis_url, "name": f"govhall.{slug}.{digest}"}
    if engine == "django.db.backends.postgresql":
        filename = data_dir / f"queue-{slug}-{digest}.sqlite3"
    else:
        filename = Path(name).with_name(f"{Path(name).stem}.queue.sqlite3")
    filename.parent.mkdir(parents=True, exist_ok=True)
    return {"huey_class": "huey.SqliteHuey", "filename": str(filename), "name": "govhall"}
