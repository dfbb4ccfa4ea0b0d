"""Publishing has a safeguard (issue 14, item 1): a checklist and a page showing what will become
public; an agreement missing a required item is refused on every path — page, API, admin, import — with
the missing items named, and nothing changes. A public page never shows a draft's status."""

import pytest
from django.test import Client
from django.urls import reverse

from agreements import services
from agreements.models import Agreement, PublicChange
from agreements.publicity import publication_version
from tests.factories import AgreementFactory, PartyFactory, cooperation_field, ready_to_publish

pytestmark = pytest.mark.django_db


def publish_url(agreement):
    return reverse("workspace:agreement-publish", args=[agreement.public_id])


def untouched(agreement):
    """What a refused publication must leave as it was."""
    row = Agreement.objects.get(pk=agreement.pk)
    return (row.published, row.published_at, row.history.count(), PublicChange.objects.count(), publication_version())


@pytest.fixture
def bare_draft(city):
    """What one click used to publish: a title and nothing else (cost unknown)."""
    return AgreementFactory(municipality=city, title="題名だけの下書き", summary="", signed_on=None)


def test_the_page_lists_the_checklist_and_what_will_become_public(login, approver, bare_draft):
    page = login(approver).get(publish_url(bare_draft)).content.decode()
    for item in ("Signed", "The date signed", "At least one partner", "A summary", "cooperation field"):
        assert item in page
    assert "What will become public" in page and "題名だけの下書き" in page
    assert "Unknown" in page  # the cost is unknown, never 0 or ゼロ予算
    assert 'type="submit">Publish' not in page  # required items missing: no button


def test_a_refused_publication_lists_every_problem_at_the_top_and_changes_nothing(approver, bare_draft):
    client = Client(headers={"Accept-Language": "ja"})
    client.force_login(approver)
    before = untouched(bare_draft)
    response = client.post(publish_url(bare_draft))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>エラー：" in page.replace("\n", "")
    assert 'class="error-summary"' in page and "autofocus" in page
    for field in ("status", "signed_on", "parties", "summary", "fields"):
        assert f'href="#check-{field}"' in page and f'id="check-{field}"' in page
    assert untouched(bare_draft) == before


def test_a_complete_agreement_is_published_from_the_page(login, approver, city):
    agreement = ready_to_publish(AgreementFactory(municipality=city))
    client = login(approver)
    assert 'type="submit">Publish' in client.get(publish_url(agreement)).content.decode()
    response = client.post(publish_url(agreement))
    assert response.status_code == 302
    assert Agreement.objects.get(pk=agreement.pk).published


def test_an_editor_cannot_publish_even_a_complete_agreement(login, editor, city):
    agreement = ready_to_publish(AgreementFactory(municipality=city))
    before = untouched(agreement)
    response = login(editor).post(publish_url(agreement))
    assert response.status_code in (302, 403)
    assert untouched(agreement) == before


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        ({"status": "negotiating"}, "status"),
        ({"status": "draft"}, "status"),
        ({"summary": "  "}, "summary"),
    ],
)
def test_the_service_names_each_missing_item(approver, city, change, missing):
    """(A missing date signed is refused too, but the database already refuses an active agreement
    without one: agreement_active_is_signed; the import test covers a row without it.)"""
    agreement = ready_to_publish(AgreementFactory(municipality=city))
    Agreement.objects.filter(pk=agreement.pk).update(**change)
    agreement = Agreement.objects.get(pk=agreement.pk)
    before = untouched(agreement)
    with pytest.raises(services.ValidationError) as refused:
        services.agreement_publish(agreement=agreement, by=approver)
    assert set(refused.value.message_dict) == {missing}
    assert untouched(agreement) == before


def test_no_partner_or_no_field_is_refused_and_deliverables_are_only_recommended(approver, city):
    agreement = AgreementFactory(municipality=city, status="active")
    with pytest.raises(services.ValidationError) as refused:
        services.agreement_publish(agreement=agreement, by=approver)
    assert set(refused.value.message_dict) == {"parties", "fields"}
    PartyFactory(agreement=agreement)
    agreement.fields.add(cooperation_field())
    checklist = {c.field: c for c in services.agreement_publication_checklist(agreement)}
    assert not checklist["deliverables"].done and not checklist["deliverables"].required
    services.agreement_publish(agreement=agreement, by=approver)  # no deliverable, no KPI: allowed
    assert Agreement.objects.get(pk=agreement.pk).published


def test_the_admin_action_gives_the_same_answer(approver, bare_draft):
    approver.is_staff = True  # officers reach the admin as staff (no model permissions needed)
    approver.save(update_fields=["is_staff"])
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(approver)
    before = untouched(bare_draft)
    data = {"action": "publish", "index": "0", "_selected_action": [str(bare_draft.pk)]}
    response = client.post(reverse("admin:agreements_agreement_changelist"), data, follow=True)
    assert "Needed before publishing" in response.content.decode()
    assert untouched(bare_draft) == before


def test_a_public_page_never_shows_a_draft_status(city):
    """An agreement published before the checklist existed, still marked draft: no 下書き on its page."""
    from django.utils import timezone

    legacy = AgreementFactory(municipality=city, published=True, published_at=timezone.now())
    client = Client(headers={"Accept-Language": "ja"})
    page = client.get(legacy.get_absolute_url()).content.decode()
    assert "下書き" not in page
