"""Every setting, read in one place, with one precedence: a command-line option, then the environment, then
`.streamlit/secrets.toml`, then the default. The first one given wins.

docs/configuration.md lists every setting with its names in each place.

The secrets file is the one Streamlit reads: `.streamlit/secrets.toml` in the working directory, else in the
home folder. The dashboard hands in Streamlit's own reading of it (`st.secrets`), the command line reads it here.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

from okra_dash.errors import SettingsError

SECRETS_FILES = (Path(".streamlit/secrets.toml"), Path.home() / ".streamlit" / "secrets.toml")
DEFAULT_DB = "okra.duckdb"
DEFAULT_MAX_AGE_MINUTES = 60.0
SHEETS_TIMEOUT_S = 30.0
SHEETS_RETRY_BUDGET_S = 60.0
# Environment variable -> key under [okra.smtp].
SMTP = {"OKRA_SMTP_HOST": "host", "OKRA_SMTP_PORT": "port", "OKRA_SMTP_USER": "user",
        "OKRA_SMTP_PASSWORD": "password", "OKRA_SMTP_FROM": "from", "OKRA_DIGEST_TO": "to",
        "OKRA_SMTP_STARTTLS": "starttls"}


def secrets_file() -> Path | None:
    return next((path for path in SECRETS_FILES if path.is_file()), None)


def read_secrets() -> dict:
    """The secrets file's tables, {} without one; a file that is not TOML is one sentence."""
    path = secrets_file()
    if path is None:
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"{path} is not a valid TOML file ({str(error).splitlines()[0]}); fix it or use the "
                            "environment variables instead.") from None


def _table(secrets: Mapping | None, *keys: str) -> Mapping:
    table = read_secrets() if secrets is None else secrets
    for key in keys:
        table = table.get(key, {}) if isinstance(table, Mapping) else {}
    return table if isinstance(table, Mapping) else {}


def _first(*values: object) -> object:
    """The first value given: an option, the environment, the secrets file, the default."""
    return next((value for value in values if value not in (None, "")), None)


def database(option: str | os.PathLike | None = None, secrets: Mapping | None = None) -> Path:
    return Path(_first(option, os.environ.get("OKRA_DB"), _table(secrets, "okra").get("db"), DEFAULT_DB))


def source(secrets: Mapping | None = None) -> str | None:
    """The sheet the dashboard syncs, if one is configured."""
    return _first(os.environ.get("OKRA_SOURCE"), _table(secrets, "okra").get("source"))


def max_age_minutes(secrets: Mapping | None = None) -> float:
    raw = _first(os.environ.get("OKRA_MAX_AGE_MINUTES"), _table(secrets, "okra").get("max_age_minutes"),
                 DEFAULT_MAX_AGE_MINUTES)
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"The data age '{raw}' (OKRA_MAX_AGE_MINUTES or max_age_minutes) is not a number of "
                            "minutes.") from None


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name) or default
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"{name}='{raw}' is not a number of seconds.") from None


def sheets_timeout_s() -> float:
    return _seconds("OKRA_SHEETS_TIMEOUT_S", SHEETS_TIMEOUT_S)


def sheets_retry_budget_s() -> float:
    return _seconds("OKRA_SHEETS_RETRY_BUDGET_S", SHEETS_RETRY_BUDGET_S)


def sheets_api_root() -> str:
    """Where the Sheets API lives, when not at Google (the tests' fake API, an emulator)."""
    return os.environ.get("OKRA_SHEETS_API_ROOT", "").rstrip("/")


def google_key() -> tuple[str, object] | None:
    """(where it was named, what was given) for the service-account key: a file path from the environment, or
    the secrets file's [gcp_service_account] (a table of the key's fields, or a path); None when neither."""
    path = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if path:
        return "GOOGLE_APPLICATION_CREDENTIALS", path
    table = read_secrets().get("gcp_service_account")
    if table in (None, "", {}):
        return None
    return f"gcp_service_account in {secrets_file()}", table


def smtp(secrets: Mapping | None = None) -> dict[str, object]:
    """The mail settings by key ([okra.smtp]'s names), each from the environment or the secrets file."""
    table = _table(secrets, "okra", "smtp")
    return {key: _first(os.environ.get(name), table.get(key)) for name, key in SMTP.items()}


def sign_in(secrets: Mapping | None = None) -> tuple[bool, list[str], list[str]]:
    """(sign-in on, allowed domains, allowed e-mails): on when the secrets hold an [auth] section."""
    table = read_secrets() if secrets is None else secrets
    okra = _table(table, "okra")
    return "auth" in table, list(okra.get("allowed_domains", [])), list(okra.get("allowed_emails", []))


def warm_up() -> bool:
    """OKRA_WARM=0 turns off the dashboard's warm-up of the other pages' queries (tests that count queries)."""
    return os.environ.get("OKRA_WARM") != "0"


def debug() -> bool:
    """OKRA_DEBUG=1: an unexpected error shows its traceback instead of one sentence."""
    return bool(os.environ.get("OKRA_DEBUG"))
