"""The key of the 案件ID hashes: a development default, required (and checked) in production."""

from core.checks import DEVELOPMENT_CASE_ID_KEY, case_id_key_check


def test_the_deploy_check_refuses_the_development_key_and_a_short_one(settings):
    settings.KYOSO_CASE_ID_KEY = DEVELOPMENT_CASE_ID_KEY
    assert [e.id for e in case_id_key_check(None)] == ["kyoso.E003"]
    settings.KYOSO_CASE_ID_KEY = "short"
    assert [e.id for e in case_id_key_check(None)] == ["kyoso.E003"]
    settings.KYOSO_CASE_ID_KEY = "x" * 48
    assert case_id_key_check(None) == []
