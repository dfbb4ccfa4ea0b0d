"""Japanese first: every user-facing string has a Japanese translation, and the compiled catalogue is current."""

import re
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from agreements.choices import AgreementStatus
from partnerships.codes import validate_lg_code

PO = Path(__file__).resolve().parent.parent / "locale" / "ja" / "LC_MESSAGES" / "django.po"


def test_japanese_catalogue_is_complete():
    """No empty and no fuzzy entry (msgfmt's statistics), so nothing falls back to English."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)], capture_output=True, text=True, check=False
    )
    if result.returncode == 127:  # pragma: no cover
        pytest.skip("msgfmt (gettext) is not installed")
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


def test_labels_and_messages_are_japanese_by_default():
    with translation.override("ja"):
        assert [str(label) for label in AgreementStatus.labels] == ["下書き", "協議中", "締結中", "期間満了", "解除"]
        try:
            validate_lg_code("272290")
        except Exception as error:  # noqa: BLE001
            assert re.search("[ぁ-んァ-ン一-龥]", str(error)), str(error)
