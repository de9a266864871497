"""docs/db.md documents every option of the ``db`` detector and the model it loads by default."""

from __future__ import annotations

import re
from pathlib import Path

from ocrplug_db.detector import DbOptions
from ocrplug_db.loading import DEFAULT_MODEL_NAME, DEFAULT_MODEL_SHA256

DOC = Path(__file__).resolve().parents[2] / "docs" / "db.md"


def test_every_option_is_in_the_options_table_with_its_default() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = {m.group(1): m.group(2).strip() for m in re.finditer(r"^\| `(\w+)` \| ([^|]+) \|", text, flags=re.M)}
    for name, field in DbOptions.model_fields.items():
        assert name in rows, f"option {name} is missing from the table in docs/db.md"
        default = field.default
        if default is None:
            shown = "none"
        elif isinstance(default, float) and default.is_integer():
            shown = str(int(default))
        else:
            shown = str(default).lower()
        assert rows[name].strip("`") == shown, f"{name}: docs say {rows[name]!r}, code {default!r}"
        assert field.description, f"option {name} has no description"


def test_model_provenance_matches_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert DEFAULT_MODEL_NAME in text and DEFAULT_MODEL_SHA256 in text
    assert "Apache-2.0" in text and "PP-OCRv6" in text
