"""Japanese first: every user-facing string has a Japanese translation, and the compiled catalogue is current."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from agreements.choices import AgreementStatus
from partnerships.codes import validate_lg_code

PO = Path(__file__).resolve().parent.parent / "locale" / "ja" / "LC_MESSAGES" / "django.po"


def msgfmt() -> str:
    """The path of msgfmt (GNU gettext); skips without it on a laptop, fails under KYOSO_REQUIRE_SERVICES."""
    path = shutil.which("msgfmt")
    if path is None:
        reason = "msgfmt (GNU gettext) is not installed: apt-get install gettext"
        if os.environ.get("KYOSO_REQUIRE_SERVICES"):
            pytest.fail(f"KYOSO_REQUIRE_SERVICES is set but {reason}")
        pytest.skip(reason)
    return path


def test_japanese_catalogue_is_complete():
    """No empty and no fuzzy entry (msgfmt's statistics), so nothing falls back to English."""
    result = subprocess.run(
        [msgfmt(), "--check", "--statistics", "-o", "/dev/null", str(PO)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


def test_labels_and_messages_are_japanese_by_default():
    with translation.override("ja"):
        assert [str(label) for label in AgreementStatus.labels] == ["下書き", "協議中", "有効", "期間満了", "解除"]
        with pytest.raises(ValidationError) as refused:
            validate_lg_code("272290")  # 四條畷市 is 272299: a wrong check digit
        message = " ".join(refused.value.messages)  # lazy: rendered here, in Japanese
    assert refused.value.code == "lg_code_check_digit"
    assert re.search("[ぁ-んァ-ン一-龥]", message) and "9" in message, message
