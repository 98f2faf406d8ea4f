"""Settings come from GOVHALL_* variables through helpers that fail loudly and name the variable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from govhall.core.env import (
    ConfigError,
    database_config,
    env_bool,
    env_int,
    env_list,
    env_str,
    queue_config,
)

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 50


def run_check(**env: str) -> subprocess.CompletedProcess:
    """`manage.py check` in a fresh process with only the given GOVHALL_* variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVHALL_")}
    clean.update({"GOVHALL_DATABASE_URL": "sqlite:///var/test-settings.sqlite3", **env})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"GOVHALL_DEBUG": "1", "GOVHALL_SECRET_KEY": GOOD_KEY}, "GOVHALL_DEBUG"),
        ({"GOVHALL_DEBUG": "0"}, "GOVHALL_SECRET_KEY"),
        ({"GOVHALL_DEBUG": "0", "GOVHALL_SECRET_KEY": "short-key"}, "GOVHALL_SECRET_KEY"),
        (
            {"GOVHALL_DEBUG": "0", "GOVHALL_SECRET_KEY": settings.DEFAULT_SECRET_KEY},
            "default or a short secret key",
        ),
    ],
    ids=["debug-on", "default-key", "short-key", "default-key-given-explicitly"],
)
def test_production_refuses_to_start_and_says_why(env, says):
    result = run_check(GOVHALL_ENV="production", **env)
    assert result.returncode != 0
    assert "GOVHALL_ENV=production refuses to start" in result.stderr
    assert says in result.stderr


def test_production_starts_with_debug_off_and_a_long_key():
    result = run_check(GOVHALL_ENV="production", GOVHALL_DEBUG="0", GOVHALL_SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_an_unknown_environment_is_refused():
    result = run_check(GOVHALL_ENV="staging")
    assert result.returncode != 0
    assert "GOVHALL_ENV='staging' must be one of development, production, test" in result.stderr


def test_production_collectstatic_writes_hashed_and_compressed_files(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVHALL_")}
    clean.update(
        GOVHALL_ENV="production",
        GOVHALL_DEBUG="0",
        GOVHALL_SECRET_KEY=GOOD_KEY,
        GOVHALL_STATIC_ROOT=str(tmp_path),
        GOVHALL_DATABASE_URL="sqlite:///var/test-settings.sqlite3",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert (tmp_path / "vendor" / "htmx" / "htmx.min.js").exists()
    assert (tmp_path / "vendor" / "htmx" / "htmx.min.js.gz").exists()
    assert list((tmp_path / "css").glob("govhall.*.css"))
    assert (tmp_path / "drf_spectacular_sidecar" / "swagger-ui-dist" / "swagger-ui-bundle.js").exists()


# --- GOVHALL_DATABASE_URL -------------------------------------------------------------------------


def test_sqlite_relative_path_is_taken_from_the_project_directory(tmp_path):
    config = database_config("sqlite:///var/db/govhall.sqlite3", base_dir=tmp_path)
    assert config["ENGINE"] == "govhall.core.sqlite"
    assert config["NAME"] == str(tmp_path / "var" / "db" / "govhall.sqlite3")
    assert (tmp_path / "var" / "db").is_dir(), "the folder is created so the first migrate works"


def test_sqlite_absolute_path_is_kept(tmp_path):
    file = tmp_path / "abs" / "govhall.sqlite3"
    config = database_config(f"sqlite:///{file}", base_dir=Path("/nonexistent"))
    assert config["NAME"] == str(file)


def test_sqlite_tests_run_in_memory_also_with_parallel_workers():
    # pytest-django recognises an unnamed SQLite test database only under Django's own engine name.
    config = database_config("sqlite:///var/x.sqlite3", base_dir=ROOT)
    assert config["TEST"]["NAME"] == ":memory:"


def test_sqlite_queues_writers_instead_of_failing():
    config = database_config("sqlite:///var/x.sqlite3", base_dir=ROOT)
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///"])
def test_sqlite_without_a_file_names_the_variable(url):
    with pytest.raises(ConfigError, match=r"GOVHALL_DATABASE_URL=.*needs a file"):
        database_config(url, base_dir=ROOT)


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"])
def test_postgres_url(scheme):
    config = database_config(f"{scheme}://govhall:s3cret@db.example:5433/govhall_city", base_dir=ROOT)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "govhall_city"
    assert config["USER"] == "govhall"
    assert config["PASSWORD"] == "s3cret"
    assert config["HOST"] == "db.example"
    assert config["PORT"] == 5433
    assert config["CONN_MAX_AGE"] == 600, "persistent connections: without them throughput drops fourfold"
    assert config["CONN_HEALTH_CHECKS"] is True


def test_postgres_url_without_password_or_port():
    config = database_config("postgres://postgres@127.0.0.1/govhall", base_dir=ROOT)
    assert (config["USER"], config["HOST"], config["NAME"]) == ("postgres", "127.0.0.1", "govhall")


@pytest.mark.parametrize("url", ["mysql://root@localhost/govhall", "oracle://x", "/var/govhall.sqlite3"])
def test_a_bad_scheme_names_the_variable(url):
    with pytest.raises(ConfigError, match=r"GOVHALL_DATABASE_URL=.*unsupported scheme"):
        database_config(url, base_dir=ROOT)


# --- GOVHALL_DATA_DIR and the background queue ------------------------------------------------------


def instance_settings(**env: str) -> dict:
    """The data settings of an instance started with the given GOVHALL_* variables (a fresh process)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVHALL_")}
    clean.update(env)
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'database': str(s.DATABASES['default']['NAME']), 'queue': s.HUEY.get('filename'), "
        "'queue_name': s.HUEY['name'], 'media': str(s.MEDIA_ROOT)}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_one_data_directory_holds_the_database_the_queue_and_the_uploads(tmp_path):
    seen = instance_settings(GOVHALL_DATA_DIR=str(tmp_path / "city"))
    assert seen == {
        "database": str(tmp_path / "city" / "govhall.sqlite3"),
        "queue": str(tmp_path / "city" / "govhall.queue.sqlite3"),
        "queue_name": "govhall",
        "media": str(tmp_path / "city" / "media"),
    }


def test_two_instances_from_one_checkout_never_share_a_queue(tmp_path):
    first = instance_settings(GOVHALL_DATABASE_URL=f"sqlite:///{tmp_path / 'a.sqlite3'}")
    second = instance_settings(GOVHALL_DATABASE_URL=f"sqlite:///{tmp_path / 'b.sqlite3'}")
    assert first["queue"] == str(tmp_path / "a.queue.sqlite3")
    assert second["queue"] == str(tmp_path / "b.queue.sqlite3")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("postgres://u@db:5432/city_a", "postgres://u@db:5432/city_b"),
        ("postgres://u@db1:5432/city", "postgres://u@db2:5432/city"),
        ("postgres://u@db:5432/city", "postgres://u@db:5433/city"),
    ],
    ids=["database-name", "host", "port"],
)
@pytest.mark.parametrize("redis", ["", "redis://127.0.0.1:6379/0"], ids=["sqlite-queue", "redis-queue"])
def test_the_queue_follows_the_postgresql_database(tmp_path, one, other, redis):
    queues = [
        queue_config(database_config(url, base_dir=ROOT), data_dir=tmp_path, redis_url=redis)
        for url in (one, other)
    ]
    key = "name" if redis else "filename"
    assert queues[0][key] != queues[1][key]
    again = queue_config(database_config(one, base_dir=ROOT), data_dir=tmp_path, redis_url=redis)
    assert again == queues[0], "the same database always finds the same queue"
    if redis:
        assert queues[0]["huey_class"] == "huey.RedisHuey"
        assert queues[0]["url"] == redis
    else:
        assert Path(queues[0]["filename"]).parent == tmp_path


# --- typed helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), (" on ", True), ("0", False), ("off", False), ("", False)],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("GOVHALL_X", raw)
    assert env_bool("GOVHALL_X", not expected) is expected


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("GOVHALL_X", raising=False)
    assert env_bool("GOVHALL_X", True) is True


def test_env_bool_error_names_the_variable(monkeypatch):
    monkeypatch.setenv("GOVHALL_DEBUG", "maybe")
    with pytest.raises(ConfigError, match=r"GOVHALL_DEBUG='maybe' is not a boolean"):
        env_bool("GOVHALL_DEBUG", False)


def test_env_int_error_names_the_variable(monkeypatch):
    monkeypatch.setenv("GOVHALL_HUEY_WORKERS", "two")
    with pytest.raises(ConfigError, match=r"GOVHALL_HUEY_WORKERS='two' is not an integer"):
        env_int("GOVHALL_HUEY_WORKERS", 2)


def test_env_int_minimum_names_the_variable(monkeypatch):
    monkeypatch.setenv("GOVHALL_HUEY_WORKERS", "0")
    with pytest.raises(ConfigError, match=r"GOVHALL_HUEY_WORKERS=0 must be at least 1"):
        env_int("GOVHALL_HUEY_WORKERS", 2, minimum=1)


def test_env_int_reads_a_number_and_falls_back_to_the_default(monkeypatch):
    monkeypatch.setenv("GOVHALL_A", "42")
    monkeypatch.delenv("GOVHALL_B", raising=False)
    assert env_int("GOVHALL_A", 1) == 42
    assert env_int("GOVHALL_B", 7) == 7


def test_env_str_required_names_the_variable(monkeypatch):
    monkeypatch.delenv("GOVHALL_REQUIRED", raising=False)
    with pytest.raises(ConfigError, match=r"GOVHALL_REQUIRED is required but not set"):
        env_str("GOVHALL_REQUIRED")


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("GOVHALL_ALLOWED_HOSTS", " gov.example , ,10.0.0.1")
    assert env_list("GOVHALL_ALLOWED_HOSTS", []) == ["gov.example", "10.0.0.1"]


def test_a_malformed_variable_stops_the_process_and_names_it():
    result = run_check(GOVHALL_HUEY_WORKERS="many")
    assert result.returncode != 0
    assert "GOVHALL_HUEY_WORKERS='many' is not an integer" in result.stderr
