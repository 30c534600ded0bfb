"""Start-up configuration: errors are one clear sentence; defaults are the embedded ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'engine': db['ENGINE'], 'options': db.get('OPTIONS', {}), "
    "'name': str(db['NAME']), 'lang': settings.LANGUAGE_CODE, 'tz': settings.TIME_ZONE, "
    "'use_tz': settings.USE_TZ, 'redis': settings.REDIS_URL, "
    "'storage': str(settings.STORAGE_PATH), 'coloring': settings.COLORING_BACKEND}))"
)


UNSET = {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL", "REDIS_URL"}


def run_python(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run Python with the production settings and only the given variables set."""
    clean = {k: v for k, v in os.environ.items() if k not in UNSET}
    clean.update(
        READ_DOTENV="false",
        DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="fotomalovanky.settings",
        **env,
    )
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_python(["manage.py", *args], tmp_path, **env)


def test_it_refuses_to_start_without_secret_key_when_debug_is_off(tmp_path: Path) -> None:
    result = manage(tmp_path, "check", ALLOWED_HOSTS="example.cz")

    assert result.returncode != 0
    assert result.stderr.strip() == (
        "Configuration error: SECRET_KEY is not set: set it in the environment or in .env "
        "(DEBUG is off)."
    )


def test_it_refuses_to_start_with_empty_allowed_hosts_when_debug_is_off(tmp_path: Path) -> None:
    result = manage(tmp_path, "check", SECRET_KEY="x" * 50)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS is empty" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_rejects_an_unknown_coloring_backend(tmp_path: Path) -> None:
    result = manage(
        tmp_path, "check", SECRET_KEY="x" * 50, ALLOWED_HOSTS="a", COLORING_BACKEND="gpu"
    )

    assert result.returncode != 0
    assert "COLORING_BACKEND must be one of auto, runpod, local, not 'gpu'." in result.stderr


def test_it_starts_with_debug_on_and_nothing_else(tmp_path: Path) -> None:
    result = manage(tmp_path, "check", DEBUG="true")

    assert result.returncode == 0, result.stderr


def test_defaults_are_the_embedded_ones(tmp_path: Path) -> None:
    result = run_python(["-c", PRINT_SETTINGS], tmp_path, SECRET_KEY="k" * 50, ALLOWED_HOSTS="a")

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "db.sqlite3")
    assert values["options"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in values["options"]["init_command"]
    assert values["options"]["timeout"] >= 5
    assert values["redis"] == "redis://127.0.0.1:6390/0"
    assert values["storage"] == str(tmp_path / "images")
    assert (values["lang"], values["tz"], values["use_tz"]) == ("cs", "Europe/Prague", True)
    assert values["coloring"] == "auto"


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("postgres://postgres@127.0.0.1:5432/x", "django.db.backends.postgresql"),
        ("sqlite:////tmp/other.sqlite3", "django.db.backends.sqlite3"),
    ],
)
def test_database_url_is_honoured(tmp_path: Path, url: str, engine: str) -> None:
    result = run_python(
        ["-c", PRINT_SETTINGS],
        tmp_path,
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="a",
        DATABASE_URL=url,
        REDIS_URL="redis://10.0.0.5:6379/2",
    )

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == engine
    assert values["redis"] == "redis://10.0.0.5:6379/2"


def test_photo_proxies_need_all_four_parts_and_come_in_order(tmp_path: Path) -> None:
    code = "import django; from django.conf import settings; print(settings.PHOTO_PROXIES)"
    result = run_python(
        ["-c", code],
        tmp_path,
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="a",
        PROXY_2_HOST="p2.example.com",
        PROXY_2_PORT="22225",
        PROXY_2_USERNAME="user",
        PROXY_2_PASSWORD="p@ss:word",
        PROXY_2_CERTIFICATE="/certs/ca.crt",
        PROXY_1_HOST="p1.example.com",
        PROXY_1_PORT="8080",  # no credentials: does not count
        PROXY_10_HOST="p10.example.com",
        PROXY_10_PORT="1",
        PROXY_10_USERNAME="u",
        PROXY_10_PASSWORD="p",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(
        [
            {"url": "http://user:p%40ss%3Aword@p2.example.com:22225", "ca_file": "/certs/ca.crt"},
            {"url": "http://u:p@p10.example.com:1", "ca_file": ""},
        ]
    )


PRINT_STORAGE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "from django.core.files.storage import storages; s = storages['default']; "
    "print(json.dumps({'class': type(s).__name__, 'bucket': getattr(s, 'bucket_name', None), "
    "'acl': getattr(s, 'default_acl', None), 'region': getattr(s, 'region_name', None), "
    "'endpoint': getattr(s, 'endpoint_url', None), 'expire': getattr(s, 'querystring_expire', 0), "
    "'vectorizer': settings.VECTORIZER_MODE}))"
)
PRODUCTION = {"SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "a"}


def test_storage_backend_s3_is_a_private_bucket_with_region_auto(tmp_path: Path) -> None:
    s3 = {"STORAGE_BACKEND": "s3", "S3_BUCKET": "photos", "S3_ENDPOINT": "http://s3.test:9000"}
    result = run_python(["-c", PRINT_STORAGE], tmp_path, **PRODUCTION, **s3)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["class"] == "BucketStorage" and values["bucket"] == "photos"
    assert values["acl"] == "private" and values["region"] == "auto"
    assert values["endpoint"] == "http://s3.test:9000" and values["expire"] == 60


def test_the_local_disk_is_the_default_storage(tmp_path: Path) -> None:
    result = run_python(["-c", PRINT_STORAGE], tmp_path, **PRODUCTION)

    assert json.loads(result.stdout)["class"] == "FileSystemStorage"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STORAGE_BACKEND": "s3"}, "STORAGE_BACKEND=s3 needs S3_BUCKET"),
        ({"MEDIA_PRESIGNED": "true"}, "MEDIA_PRESIGNED=true needs STORAGE_BACKEND=s3."),
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND must be one of local, s3, not 'ftp'."),
    ],
)
def test_storage_settings_that_cannot_work_are_refused(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = manage(tmp_path, "check", **PRODUCTION, **env)

    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "mode"),
    [
        ({"DEBUG": "true"}, "test"),
        ({"DEBUG": "true", "VECTORIZER_MODE": "production"}, "production"),
        (PRODUCTION, "production"),
    ],
)
def test_with_debug_on_vectorizer_runs_in_its_free_test_mode(
    tmp_path: Path, env: dict[str, str], mode: str
) -> None:
    result = run_python(["-c", PRINT_STORAGE], tmp_path, **env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["vectorizer"] == mode
