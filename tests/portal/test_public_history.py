"""The agreement page shows the public only what was public (issue 10): the history folds what was
drafted while the agreement was withdrawn into one change, and an unpublished parent agreement is
never named."""

import pytest

from agreements import services
from tests.factories import AgreementFactory, ready_to_publish
from tests.portal.conftest import client_in

pytestmark = pytest.mark.django_db


def test_the_history_on_the_page_hides_text_drafted_while_withdrawn(city, editor, approver, viewer):
    """Unpublish, edit the summary twice, republish: the public page shows the summary going from its
    last public text to the new one; an officer of the city still sees the drafts."""
    agreement = services.agreement_create(
        municipality=city, by=editor, kind="other", title="協定", summary="公開時の概要"
    )
    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    services.agreement_unpublish(agreement=agreement, by=approver)
    services.agreement_update(agreement=agreement, by=editor, summary="撤回中の下書き一")
    services.agreement_update(agreement=agreement, by=editor, summary="撤回中の下書き二")
    services.agreement_update(agreement=agreement, by=editor, summary="再公開の概要")
    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    page = client_in("ja").get(agreement.get_absolute_url()).content.decode()
    assert "撤回中の下書き" not in page
    assert "公開時の概要" in page and "再公開の概要" in page
    member = client_in("ja", user=viewer).get(agreement.get_absolute_url()).content.decode()
    assert "撤回中の下書き一" in member


def test_an_unpublished_parent_is_not_named_on_a_published_childs_page(city, viewer):
    """The public reads neither the draft parent's public id nor its title; officers of the city do."""
    parent = AgreementFactory(municipality=city, title="非公開の包括協定")
    child = AgreementFactory(
        municipality=city, kind="individual", parent=parent, published=True, published_at="2025-04-01T00:00Z"
    )
    page = client_in("ja").get(child.get_absolute_url()).content.decode()
    assert parent.public_id not in page and "非公開の包括協定" not in page
    member = client_in("ja", user=viewer).get(child.get_absolute_url()).content.decode()
    assert parent.public_id in member


def test_a_parent_set_while_unpublished_is_not_named_in_the_history(city, editor, approver):
    """The history on the page names a parent only while it is published."""
    parent = AgreementFactory(municipality=city, title="非公開の包括協定")
    child = services.agreement_create(municipality=city, by=editor, kind="individual", title="個別協定")
    services.agreement_publish(agreement=ready_to_publish(child), by=approver)
    services.agreement_update(agreement=child, by=editor, parent=parent)
    page = client_in("ja").get(child.get_absolute_url()).content.decode()
    assert parent.public_id not in page and "非公開の包括協定" not in page
