"""What readers get: history with field-level differences, filters, no personal data, no unpublished records."""

import datetime
import json

import pytest
from django.utils import timezone

from agreements import services
from agreements.models import Party
from tests.api.conftest import client_for
from tests.factories import (
    AgreementFactory,
    ContactFactory,
    OrganizationFactory,
    PartyFactory,
    cooperation_field,
    ready_to_publish,
)

pytestmark = pytest.mark.django_db


def test_history_lists_field_changes_and_names_users_to_members_only(city, editor, approver):
    agreement = services.agreement_create(
        municipality=city, by=editor, kind="other", title="最初の題名", summary="地域の課題解決に向けた連携"
    )
    services.agreement_update(
        agreement=agreement, by=editor, title="二番目の題名", fields=[cooperation_field("childcare")]
    )
    services.agreement_record_save(instance=Party(agreement=agreement, organization=OrganizationFactory()), by=editor)
    services.agreement_activate(agreement=agreement, by=editor, signed_on=datetime.date(2024, 4, 1))
    services.agreement_publish(agreement=agreement, by=approver)
    url = f"/api/v1/agreements/{agreement.public_id}/history/"

    entries = client_for(editor).get(url).json()
    assert entries[-1]["type"] == "created" and entries[-1]["user"] == "editor"
    assert {e["type"] for e in entries[:-1]} == {"changed"}
    changes = [(e["user"], c["field"], c["old"], c["new"]) for e in entries for c in e["changes"]]
    assert ("approver", "published", False, True) in changes
    assert ("editor", "title", "最初の題名", "二番目の題名") in changes
    assert ("editor", "fields", [], ["childcare"]) in changes

    public = client_for().get(url).json()
    assert {e["user"] for e in public} == {None}
    assert public[0]["changes"] == entries[0]["changes"]


def test_filters_by_contract_names(city, other_city, organization):
    published = {"published": True, "published_at": timezone.now()}
    here = AgreementFactory(municipality=city, kind="comprehensive", municipal_cost_jpy=0, **published)
    here.fields.set([cooperation_field("education")])
    PartyFactory(agreement=here, organization=organization)
    AgreementFactory(municipality=other_city, kind="memorandum", municipal_cost_jpy=500, title="防災協定", **published)
    client = client_for()

    def ids(query):
        response = client.get(f"/api/v1/agreements/?{query}")
        assert response.status_code == 200, response.content
        return [a["public_id"] for a in response.json()["results"]]

    assert ids("municipality=272299") == [here.public_id]
    assert len(ids("prefecture=27")) == 2
    assert ids(f"organization={organization.corporate_number}") == [here.public_id]
    assert ids("field=education") == [here.public_id]
    assert ids("kind=memorandum") != [here.public_id]
    assert ids("zero_budget=true") == [here.public_id]
    assert ids("q=防災") != [here.public_id] and len(ids("q=防災")) == 1
    assert ids("page_size=1")[:1] and len(ids("page_size=1")) == 1
    assert len(ids("ordering=-public_id")) == 2


def test_no_personal_data_in_any_response(city, organization, partner, approver):
    agreement = AgreementFactory(municipality=city)
    PartyFactory(agreement=agreement, organization=organization)
    contact = ContactFactory(
        organization=organization, name="秘密 太郎", email="taro.secret@example.jp", phone="090-1234-5678"
    )
    agreement.contacts.add(contact)
    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    for user in (None, partner, approver):
        client = client_for(user)
        for url in (
            "/api/v1/agreements/",
            f"/api/v1/agreements/{agreement.public_id}/",
            f"/api/v1/agreements/{agreement.public_id}/history/",
            f"/api/v1/agreements/{agreement.public_id}/parties/",
            "/api/v1/organizations/",
        ):
            body = json.dumps(client.get(url).json(), ensure_ascii=False)
            for secret in ("秘密", "taro.secret", "090-1234"):
                assert secret not in body, (url, secret)


def test_public_history_starts_at_the_first_publication(city, editor, approver):
    agreement = services.agreement_create(municipality=city, by=editor, kind="other", title="下書きの題名")
    services.agreement_update(agreement=agreement, by=editor, title="公開時の題名")
    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    services.agreement_update(agreement=agreement, by=editor, title="公開後の題名")
    url = f"/api/v1/agreements/{agreement.public_id}/history/"
    public = json.dumps(client_for().get(url).json(), ensure_ascii=False)
    assert "下書きの題名" not in public and "公開後の題名" in public
    member = json.dumps(client_for(editor).get(url).json(), ensure_ascii=False)
    assert "下書きの題名" in member
