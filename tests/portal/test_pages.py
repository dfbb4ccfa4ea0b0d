"""Every public page renders for anonymous readers and shows what the public may see — and nothing
more: no unpublished agreement, no contact, no user, no measurement under review."""

import re

import pytest
from django.utils import timezone

from agreements.models import Agreement
from tests.factories import AgreementFactory, MunicipalityFactory, OrganizationFactory, PartyFactory
from tests.portal.conftest import client_in
from tests.portal.seed import PENDING_VALUE, seed_agreement

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return response.content.decode()


def public_urls(seeded) -> list[str]:
    agreement = seeded.agreement
    return [
        "/",
        "/agreements/",
        f"/agreements/?municipality={agreement.municipality.code}",
        agreement.get_absolute_url(),
        f"/municipalities/{agreement.municipality.code}/",
        f"/municipalities/{agreement.municipality.prefecture.code}/",
        f"/organizations/{seeded.lead.pk}/",
    ]


def test_every_page_renders_for_anonymous_readers(seeded, anonymous):
    """Given a published agreement, every portal page answers 200 with the Kyoso layout."""
    for url in public_urls(seeded):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert '<main id="main">' in text_of(response), url


def test_pages_render_with_no_data_at_all(db, anonymous):
    """A fresh installation (nothing published) still renders the home and search pages."""
    home = anonymous.get("/")
    assert home.status_code == 200
    assert "No agreement has been published yet." in text_of(home)
    assert anonymous.get("/agreements/").status_code == 200


def test_no_contact_and_no_user_appears_on_any_public_page(seeded, anonymous):
    """Contacts (担当者) and the users who changed records are personal data: never public."""
    contact, user = seeded.contact, seeded.editor_user
    secrets = {contact.name, contact.email, contact.phone, "山田", "花子", user.username, user.email, "鈴木", "健太"}
    for language in ("ja", "en"):
        client = client_in(language)
        for url in public_urls(seeded):
            body = text_of(client.get(url))
            found = {secret for secret in secrets if secret in body}
            assert not found, (url, language, found)


def test_unpublished_agreement_is_404_for_the_public_and_shown_to_members(city, organization, partner, viewer):
    """Drafts stay private: 404 for everyone but officers of the municipality and users of a party."""
    draft = seed_agreement(city, organization=organization, published=False).agreement
    url = draft.get_absolute_url()
    assert client_in().get(url).status_code == 404
    for member in (partner, viewer):
        response = client_in(user=member).get(url)
        assert response.status_code == 200
        assert "Not published" in text_of(response)
    stranger = MunicipalityFactory()
    from tests.conftest import _officer

    assert client_in(user=_officer(stranger, "approver", "stranger")).get(url).status_code == 404


def test_unpublished_agreements_are_missing_from_lists_for_the_public(seeded, city, anonymous):
    draft = AgreementFactory(municipality=city, title="非公開の協定案")
    PartyFactory(agreement=draft, organization=seeded.lead)
    for url in public_urls(seeded):
        assert draft.title not in text_of(anonymous.get(url)), url


def test_agreement_page_shows_every_section(seeded, anonymous):
    """Parties with roles, 法人番号 and titles; fields; dates with 和暦; costs in yen; initiatives with
    the journey and weighted progress; deliverables with progress and a late marker; KPI charts with a
    table; documents; history with field labels."""
    agreement, lead = seeded.agreement, seeded.lead
    body = text_of(client_in("ja").get(agreement.get_absolute_url()))
    assert lead.name in body and lead.corporate_number in body and "代表取締役社長" in body
    assert "子育て" in body and "DX・行政サービス" in body
    assert "2024年4月1日（令和6年）" in body
    assert "4,500,000円" in body and "0円" in body
    assert "窓口で申請書を受け取る" in body and "スマートフォンで申請する" in body
    assert body.count('<svg class="chart-kpi"') == 3
    assert body.count('role="img"') >= 3
    assert 'class="late"' in body and seeded.late.title in body
    assert "協定書（公開）" in body and f"/documents/{seeded.public_file.pk}/" in body
    assert "報道発表" in body and "https://www.example.jp/press/1" in body
    assert "内部資料" not in body  # not public


def test_agreement_page_in_english_labels_history_and_late_deliverables(seeded, anonymous):
    body = text_of(anonymous.get(seeded.agreement.get_absolute_url()))
    assert "Online applications for nursery schools (amended)" in body  # the English title
    assert "History of changes" in body
    assert "English title" in body  # the changed field, by its label
    assert "title_en" not in body  # never the raw field name
    assert ">Late<" in body
    assert "Values of KPI-1" in body  # the table alternative of the chart
    # weighted progress of an initiative: (40·1 + 40·2 + 40·3 + 10·1) / 7 = 35.7 → 36%
    assert "36% done" in body


def test_pending_measurements_are_hidden_from_the_public_and_shown_to_members(seeded, anonymous, partner):
    value = f"{PENDING_VALUE.normalize():f}"
    assert value not in text_of(anonymous.get(seeded.agreement.get_absolute_url()))
    member_page = text_of(client_in(user=partner).get(seeded.agreement.get_absolute_url()))
    assert value in member_page
    assert "Waiting for review" in member_page


def test_members_see_non_public_documents(seeded, partner):
    body = text_of(client_in(user=partner).get(seeded.agreement.get_absolute_url()))
    assert "内部資料" in body and "Not public" in body


def test_home_shows_the_national_picture(seeded, city, anonymous):
    """Headline figures, the prefecture chart with its table, outcomes, recent agreements, open-data links."""
    AgreementFactory(municipality=city, municipal_cost_jpy=1_000_000, published=True, published_at=timezone.now())
    body = text_of(anonymous.get("/"))
    assert re.search(r'<span class="figure">2</span>', body)  # published agreements
    assert "50%" in body  # zero-budget share
    assert "¥4,500,000" in body  # partners' in-kind contribution
    assert '<svg class="chart-bars"' in body and "Published agreements by prefecture" in body
    assert '<table class="prefecture-table">' in body and "大阪府" in body
    assert '<svg class="chart-verdicts"' in body
    assert "Improved on the baseline" in body
    assert "Recently reported improvements" in body and "#indicator-" in body
    assert seeded.agreement.get_absolute_url() in body
    assert 'href="/opendata/"' in body and 'href="/api/v1/docs/"' in body


def test_municipality_page(seeded, anonymous):
    municipality = seeded.agreement.municipality
    body = text_of(anonymous.get(f"/municipalities/{municipality.code}/"))
    assert municipality.name in body and "Local government code" in body
    assert seeded.agreement.get_absolute_url() in body
    assert seeded.lead.name in body  # partners
    assert f"?municipality={municipality.code}" in body  # the search and CSV of its agreements


def test_prefecture_page_lists_its_municipalities(seeded, anonymous):
    prefecture = seeded.agreement.municipality.prefecture
    body = text_of(anonymous.get(f"/municipalities/{prefecture.code}/"))
    assert "Municipalities with published agreements" in body
    assert f"/municipalities/{seeded.agreement.municipality.code}/" in body


def test_unknown_municipality_and_organization_are_404(db, anonymous):
    assert anonymous.get("/municipalities/999999/").status_code == 404
    assert anonymous.get("/municipalities/abc/").status_code == 404
    assert anonymous.get("/organizations/999999/").status_code == 404


def test_organization_page_lists_published_partnerships_only(seeded, city, other_city, anonymous, partner):
    lead = seeded.lead
    other = AgreementFactory(municipality=other_city, published=True, published_at=timezone.now(), title="大東市の協定")
    PartyFactory(agreement=other, organization=lead)
    draft = AgreementFactory(municipality=city, title="下書きの協定")
    PartyFactory(agreement=draft, organization=lead)
    body = text_of(anonymous.get(f"/organizations/{lead.pk}/"))
    assert seeded.agreement.get_absolute_url() in body and other.get_absolute_url() in body
    assert draft.title not in body
    assert "Lead partner" in body
    member_body = text_of(client_in(user=partner).get(f"/organizations/{lead.pk}/"))
    assert draft.title in member_body


def test_organization_without_published_agreement_is_404_for_the_public(db, city, anonymous, viewer):
    hidden = OrganizationFactory(name="未公開の会社")
    PartyFactory(agreement=AgreementFactory(municipality=city), organization=hidden)
    assert anonymous.get(f"/organizations/{hidden.pk}/").status_code == 404
    assert client_in(user=viewer).get(f"/organizations/{hidden.pk}/").status_code == 200


def test_agreement_url_is_the_models_absolute_url(seeded):
    assert (
        Agreement.objects.get(pk=seeded.agreement.pk).get_absolute_url() == f"/agreements/{seeded.agreement.public_id}/"
    )


def test_pages_carry_no_inline_style_or_script(seeded, anonymous):
    """The CSP allows styles and scripts from the site's own files only: no inline style or script."""
    for url in public_urls(seeded):
        body = text_of(anonymous.get(url))
        assert " style=" not in body and "<style" not in body, url
        # scripts only as files of the site (src="/static/…"), never inline
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", body, flags=re.S)
        tags = re.findall(r"<script\b[^>]*>", body)
        assert all(content.strip() == "" for content in scripts), url
        assert all(re.search(r'\bsrc="/static/', tag) for tag in tags), (url, tags)


def test_only_web_addresses_become_links(seeded, anonymous):
    """A document or website address that is not http(s) (say, javascript:) is shown as text only."""
    from tests.factories import DocumentFactory

    DocumentFactory(agreement=seeded.agreement, title="怪しいリンク", url="javascript:alert(1)", public=True)
    seeded.lead.website = "javascript:alert(2)"
    seeded.lead.save()
    for url in (seeded.agreement.get_absolute_url(), f"/organizations/{seeded.lead.pk}/"):
        body = text_of(anonymous.get(url))
        assert "javascript:" not in body, url
    assert "怪しいリンク" in text_of(anonymous.get(seeded.agreement.get_absolute_url()))
