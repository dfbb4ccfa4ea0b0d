"""Notices a person can live with (issue 14, item 8): a partner's staff get one mail a day by default
(officers one per notice; each can choose), identical notices show once with their number, the page is
paginated, the unread count in the header is readable, and the demo does not start with ninety."""


import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import NoticeDelivery
from notifications.jobs import notices_send_digests, notices_send_pending
from notifications.models import Notice, NoticeKind
from notifications.services import delivery_of, notice_create, notice_delivery_set

pytestmark = pytest.mark.django_db


def notify(users, n=1, key="k"):
    for i in range(n):
        notice_create(
            recipients=users,
            kind=NoticeKind.DELIVERABLE_OVERDUE,
            key=f"{key}-{i}",
            url="/workspace/",
            params={"title": "申請フォームの公開", "agreement": "272299-2024-001", "due_on": "2026-11-30"},
        )


def test_partners_get_the_daily_digest_and_officers_one_mail_per_notice(partner, editor):
    assert delivery_of(partner) == NoticeDelivery.DAILY and delivery_of(editor) == NoticeDelivery.IMMEDIATE
    notify([partner, editor], n=5)
    assert notices_send_pending() == 5  # the officer's five; the partner's wait
    assert {m.to[0] for m in mail.outbox} == {editor.email}
    mail.outbox.clear()

    assert notices_send_digests() == 1
    (digest,) = mail.outbox
    assert digest.to == [partner.email] and "5" in digest.subject
    assert digest.body.count("申請フォームの公開") == 5 and "/accounts/notices/" in digest.body
    assert not Notice.objects.pending().exists()
    assert notices_send_digests() == 0  # sent once


def test_each_person_chooses_and_the_choice_applies_to_new_notices(partner, editor):
    notify([partner], key="before")
    client = Client()
    client.force_login(partner)
    response = client.post(reverse("notifications:notices-delivery"), {"delivery": "immediate"})
    assert response.status_code == 302 and delivery_of(partner) == NoticeDelivery.IMMEDIATE
    notify([partner], key="after")
    assert notices_send_pending() == 1  # the new one; the earlier one stays in the digest
    notice_delivery_set(user=editor, delivery=NoticeDelivery.DAILY)
    assert delivery_of(editor) == NoticeDelivery.DAILY
    assert client.post(reverse("notifications:notices-delivery"), {"delivery": "hourly"}).status_code == 302
    assert delivery_of(partner) == NoticeDelivery.IMMEDIATE  # a bad value changes nothing


def test_identical_notices_show_once_with_their_number(editor):
    notify([editor], n=5)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(editor)
    page = client.get(reverse("notifications:notices")).content.decode()
    assert page.count('<li class="card">') == 1 and "(5 times)" in page


def test_the_page_is_paginated(editor):
    for i in range(60):
        notice_create(recipients=[editor], kind=NoticeKind.IMPORT_FINISHED, key=f"i{i}", params={"id": i})
    client = Client()
    client.force_login(editor)
    assert "?page=2" in client.get(reverse("notifications:notices")).content.decode()


def test_the_unread_count_is_readable_in_the_header(editor):
    notify([editor])
    client = Client()
    client.force_login(editor)
    page = client.get(reverse("notifications:notices")).content.decode()
    assert 'class="badge count"' in page
    css = (__import__("pathlib").Path(__file__).resolve().parents[2] / "static/css/kyoso.css").read_text()
    assert "header.site .badge.count { background: #fff; color: var(--brand-dark)" in css
    # contrast of --brand-dark (#084886) on white, WCAG 2: ≥ 4.5
    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    assert (1.05) / (luminance("#084886") + 0.05) >= 4.5


def test_the_demo_starts_with_a_few_unread_notices(db):
    from django.core.management import call_command

    call_command("load_municipalities", verbosity=0)
    call_command("load_demo", verbosity=0)
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.filter(username__startswith="demo-"):
        assert Notice.objects.filter(recipient=user, read_at__isnull=True).count() <= 3
