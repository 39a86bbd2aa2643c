"""`.env.example` documents every setting, and its values are valid."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from preventia.settings import Settings
from tests.shared_data import REPO_ROOT


def _setting_names(model: type[BaseModel], prefix: str = "PREVENTIA_") -> set[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= _setting_names(annotation, f"{prefix}{name.upper()}__")
        else:
            names.add(f"{prefix}{name.upper()}")
    return names


def _documented() -> dict[str, str]:
    text = (REPO_ROOT / ".env.example").read_text()
    return {m[1]: m[2] for m in re.finditer(r"^#? ?(PREVENTIA_[A-Z_]+)=(.*)$", text, re.M)}


def test_every_setting_is_documented() -> None:
    documented = set(_documented())
    missing = _setting_names(Settings) - documented
    assert missing == set()


def test_documented_values_load(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in _documented().items():
        if value:
            monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.api.port == 8000
    assert settings.crawl.max_body_bytes == 5 * 1024 * 1024
