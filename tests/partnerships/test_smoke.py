def test_settings_are_japanese_first(settings):
    """The UI defaults to Japanese with English available, in Tokyo time."""
    assert settings.LANGUAGE_CODE == "ja"
    assert [code for code, _ in settings.LANGUAGES] == ["ja", "en"]
    assert settings.TIME_ZONE == "Asia/Tokyo"
