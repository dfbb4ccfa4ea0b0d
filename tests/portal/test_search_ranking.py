"""Search, second part (issue 14, item 7): kana readings of common words (ほいく finds 保育), results
best match first when no order is chosen, and the bigram indexes the words are looked up in."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.filters import relevance
from partnerships.filters import READINGS, search_words
from tests.api.conftest import client_for
from tests.factories import AgreementFactory, OrganizationFactory, PartyFactory
from tests.portal.conftest import client_in

pytestmark = pytest.mark.django_db
PUBLISHED = {"published": True, "published_at": timezone.now()}


def test_a_reading_typed_in_kana_finds_the_kanji_word(city):
    found = AgreementFactory(municipality=city, title="保育所の待機児童対策に関する協定", **PUBLISHED)
    AgreementFactory(municipality=city, title="防災に関する協定", summary="避難所", **PUBLISHED)
    for query in ("ほいく", "ホイク", "ﾎｲｸ"):
        results = client_for().get("/api/v1/agreements/", {"q": query}).json()["results"]
        assert [a["public_id"] for a in results] == [found.public_id], query
    page = client_in("ja").get("/agreements/", {"q": "ほいく"}).content.decode()
    assert "保育所の待機児童対策に関する協定" in page and "防災に関する協定" not in page


def test_the_readings_are_a_bounded_table_of_whole_words():
    assert "保育" in search_words("ほいく")[0]
    assert "保育" not in search_words("ほいくし")[0]  # a whole word only, not any word starting so
    assert all(len(kanji) <= 3 for kanji in READINGS.values())
    for reading, spellings in READINGS.items():
        assert all("\u3041" <= c <= "\u3096" or c == "ー" for c in reading), reading
        assert spellings, reading


@pytest.fixture
def ranked(city, other_city):
    """Five agreements that all match 「子育て 支援」, each in a different place; the least relevant is the
    newest, so that "newest first" would put them in the opposite order."""
    day = datetime.date(2024, 4, 1)
    rows = {}
    for rank, (key, title, summary) in enumerate(
        [
            ("phrase in title", "子育て支援に関する協定", "連携"),
            ("words in title", "支援と子育ての協定", "連携"),
            ("phrase in summary", "包括連携協定", "子育て支援を進める"),
            ("words in title and summary", "子育ての協定", "地域を支援する"),
            ("partner only", "包括連携協定", "地域の課題"),
        ]
    ):
        signed = day - datetime.timedelta(days=10 - rank)
        rows[key] = AgreementFactory(municipality=city, title=title, summary=summary, signed_on=signed, **PUBLISHED)
    partner = OrganizationFactory(name="子育て支援ネットワーク株式会社")
    PartyFactory(agreement=rows["partner only"], organization=partner)
    AgreementFactory(municipality=other_city, title="観光の協定", **PUBLISHED)
    return rows


def test_results_come_best_match_first(ranked):
    expected = [a.public_id for a in ranked.values()]
    results = client_for().get("/api/v1/agreements/", {"q": "子育て 支援"}).json()["results"]
    assert [a["public_id"] for a in results] == expected
    page = client_in("ja").get("/agreements/", {"q": "子育て 支援"}).content.decode()
    positions = [page.index(f"{a.public_id}<") for a in ranked.values()]
    assert positions == sorted(positions)


def test_a_chosen_order_is_kept(ranked):
    results = client_for().get("/api/v1/agreements/", {"q": "子育て 支援", "ordering": "-signed_on"}).json()
    assert [a["public_id"] for a in results["results"]] == [a.public_id for a in reversed(ranked.values())]
    newest = client_for().get("/api/v1/agreements/", {"q": "子育て 支援", "ordering": "signed_on"}).json()
    assert [a["public_id"] for a in newest["results"]] == [a.public_id for a in ranked.values()]


def test_without_words_the_order_is_the_newest_signature(ranked):
    results = client_for().get("/api/v1/agreements/").json()["results"]
    dates = [a["signed_on"] for a in results]
    assert dates == sorted(dates, reverse=True)


def test_ranking_keeps_a_page_to_the_same_queries(ranked):
    client = client_in("ja")
    client.get("/agreements/", {"q": "協定"})  # warm (sessions, translations)
    with CaptureQueriesContext(connection) as plain:
        client.get("/agreements/", {"q": "協定", "ordering": "-signed_on"})
    with CaptureQueriesContext(connection) as ranked_page:
        client.get("/agreements/", {"q": "子育て 支援"})
    assert len(ranked_page) == len(plain)


def test_relevance_is_none_without_words():
    assert relevance("   ") is None


def test_the_words_are_looked_up_in_the_bigram_indexes(ranked, postgres_only):
    """A search's conditions are written on the very expressions the GIN indexes hold — the stored
    column search_bigrams (agreements 0010) and kyoso_bigrams(LOWER(name || ' ' || kana || ' ' ||
    name_en)) of organizations (partnerships 0004) — so PostgreSQL can answer them from the indexes.
    (Whether it does depends on the tables' size and statistics: on the test's tiny tables it rightly
    reads them whole; docs/performance.md has the plans at 100,000 agreements.)"""
    from agreements.filters import AgreementFilterSet
    from agreements.models import Agreement

    sql, _params = AgreementFilterSet({"q": "保育"}, queryset=Agreement.objects.all()).qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('agreement_search_bigrams_column', 'organization_search_bigrams')"
        )
        indexes = dict(cursor.fetchall())
    assert "(search_bigrams)" in indexes["agreement_search_bigrams_column"]
    assert '"search_bigrams" @> kyoso_bigrams(' in sql
    assert "kyoso_bigrams(lower" in indexes["organization_search_bigrams"]
    assert "kyoso_bigrams(LOWER(" in sql and "partnerships_organization" in sql


def test_a_like_wildcard_in_a_word_is_a_character(city):
    AgreementFactory(municipality=city, title="100%再生可能エネルギーの協定", **PUBLISHED)
    AgreementFactory(municipality=city, title="1000件の協定", **PUBLISHED)
    results = client_for().get("/api/v1/agreements/", {"q": "100%"}).json()["results"]
    assert [a["title"] for a in results] == ["100%再生可能エネルギーの協定"]
    assert client_for().get("/api/v1/agreements/", {"q": "_"}).json()["count"] == 0


def test_ranking_with_a_field_filter_which_makes_the_list_distinct(ranked):
    from agreements.models import CooperationField

    childcare = CooperationField.objects.get(code="childcare")
    for agreement in ranked.values():
        agreement.fields.add(childcare, CooperationField.objects.get(code="education"))
    query = {"q": "子育て 支援", "field": "childcare"}
    results = client_for().get("/api/v1/agreements/", query).json()["results"]
    assert [a["public_id"] for a in results] == [a.public_id for a in ranked.values()]
    assert client_in("ja").get("/agreements/", query).status_code == 200
    assert client_for().get("/api/v1/agreements/", {**query, "format": "csv"}).status_code == 200


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_word_is_found_exactly_as_by_like_alone(city, other_city, postgres_only):
    """The indexed condition (bigrams, then LIKE for longer spellings; municipalities and partners by
    array) finds exactly what LIKE alone finds (word_condition(indexed=False), the SQLite path)."""
    from agreements.filters import word_condition
    from agreements.models import Agreement

    texts = [
        ("子育て支援の協定", ""),
        ("子育成と育てる会", ""),  # every bigram of 子育て, not the word: not found by 子育て
        ("防災協定", "避難所の運営"),
        ("観光", "ぼうさいの日"),
        ("ＡＩ活用の協定", ""),
        ("Smart City", "DX"),
        ("100%再生可能", ""),
    ]
    for title, summary in texts:
        AgreementFactory(municipality=city, title=title, summary=summary, **PUBLISHED)
    partner = OrganizationFactory(name="子育てネット株式会社")
    PartyFactory(agreement=AgreementFactory(municipality=other_city, title="協定", **PUBLISHED), organization=partner)
    for query in [
        "子育て",
        "ぼうさい",
        "防災",
        "ai",
        "smart",
        "city dx",
        "100%",
        "大東",
        "だいとう",
        "子",
        "育て 協定",
    ]:
        indexed, plain = Agreement.objects.all(), Agreement.objects.all()
        for spellings in search_words(query):
            indexed = indexed.filter(word_condition(spellings))
            plain = plain.filter(word_condition(spellings, indexed=False))
        assert set(indexed.values_list("pk", flat=True)) == set(plain.values_list("pk", flat=True)), query
    assert not Agreement.objects.filter(word_condition(search_words("子育て")[0]), title="子育成と育てる会").exists()


def test_the_stored_bigrams_follow_the_text(city, postgres_only):
    from agreements.models import Agreement

    agreement = AgreementFactory(municipality=city, title="防災協定", **PUBLISHED)
    Agreement.objects.filter(pk=agreement.pk).update(title="観光協定")
    assert client_for().get("/api/v1/agreements/", {"q": "防災"}).json()["count"] == 0
    assert client_for().get("/api/v1/agreements/", {"q": "観光"}).json()["count"] == 1


def test_a_search_within_a_municipality_never_recomputes_bigrams_row_by_row(ranked, city, postgres_only):
    """However PostgreSQL combines the search with another filter (here the municipality's index first),
    a row's bigrams are read from the stored column, never recomputed (0.3–0.5 ms a row)."""
    from agreements.filters import AgreementFilterSet
    from agreements.models import Agreement

    for query in ("子育て 支援", "防災", "ぼうさい"):
        queryset = AgreementFilterSet({"q": query, "municipality": city.code}, queryset=Agreement.objects.all()).qs
        plan = _plan(queryset)
        assert "kyoso_bigrams(lower((((((((title" not in plan, query
        assert "search_bigrams @>" in plan, query
