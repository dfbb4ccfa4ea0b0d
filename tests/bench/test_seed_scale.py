"""`manage.py seed_scale` at a tiny size: exact sizes, every model rule kept, reproducible, marked."""

import dataclasses
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q

from agreements.models import (
    Agreement,
    Deliverable,
    Initiative,
    Measurement,
    OutcomeIndicator,
    Party,
)
from agreements.synthetic.seed import SCALES, Seeder
from opendata.models import Release
from partnerships.codes import is_valid_corporate_number
from partnerships.models import Organization
from tests.opendata.schema import release_errors

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
TINY = SCALES["tiny"]


@pytest.fixture
def municipalities(postgres_only):
    call_command("load_municipalities", stdout=io.StringIO())


@pytest.fixture
def seeded(municipalities):
    out = io.StringIO()
    call_command("seed_scale", "--scale", "tiny", "--seed", "7", stdout=out)
    return out.getvalue()


def test_seed_writes_exactly_the_requested_sizes(seeded):
    """Every table gets the number of rows asked for."""
    assert Organization.objects.count() == TINY.organizations
    assert Agreement.objects.count() == TINY.agreements
    assert Initiative.objects.count() == TINY.initiatives
    assert Deliverable.objects.count() == TINY.deliverables
    assert OutcomeIndicator.objects.count() == TINY.indicators
    assert Measurement.objects.count() == TINY.measurements
    assert "largest municipality" in seeded


def test_seeded_rows_pass_the_models_own_validation(seeded):
    """full_clean() accepts every seeded record: the rules the database cannot check hold too
    (parent of the same municipality, department of the municipality, responsible and reporter are
    parties, target improves on the baseline, …)."""
    samples = [
        *Organization.objects.all(),
        *Agreement.objects.select_related("parent", "department"),
        *Party.objects.all(),
        *Initiative.objects.all(),
        *Deliverable.objects.select_related("initiative__agreement")[:300],
        *OutcomeIndicator.objects.select_related("agreement", "initiative"),
        *Measurement.objects.all()[:300],
    ]
    for record in samples:
        record.full_clean()


def test_each_agreement_has_one_lead_partner_and_parties_do_the_work(seeded):
    """One lead partner per agreement; deliverables and KPIs are reported by parties of the agreement."""
    leads = Agreement.objects.annotate(leads=Count("parties", filter=Q(parties__role="lead_partner")))
    assert set(leads.values_list("leads", flat=True)) == {1}
    party = Party.objects.filter(agreement=OuterRef("initiative__agreement"), organization=OuterRef("responsible"))
    assert not Deliverable.objects.exclude(responsible=None).exclude(Exists(party)).exists()
    reporter = Party.objects.filter(agreement=OuterRef("agreement"), organization=OuterRef("reporter"))
    assert not OutcomeIndicator.objects.exclude(reporter=None).exclude(Exists(reporter)).exists()


def test_synthetic_rows_are_marked(seeded):
    """Titles and names start with 【合成】; corporate numbers are valid and in the 99… range."""
    assert not Agreement.objects.exclude(title__startswith="【合成】").exists()
    assert not Organization.objects.exclude(name__startswith="【合成】").exists()
    numbers = list(Organization.objects.values_list("corporate_number", flat=True))
    assert all(is_valid_corporate_number(n) and n[1:3] == "99" for n in numbers)


def test_releases_of_the_largest_municipality_are_valid_ocds(seeded):
    """The largest municipality's published agreements have one stored release each, valid OCDS 1.1."""
    releases = list(Release.objects.select_related("agreement__municipality"))
    assert releases
    assert len({r.agreement.municipality_id for r in releases}) == 1
    assert all(r.agreement.published for r in releases)
    assert release_errors(releases[0].data) == []


def _digest():
    return list(
        Agreement.objects.order_by("id").values_list(
            "public_id", "title", "signed_on", "status", "parties__organization"
        )
    ) + list(Measurement.objects.order_by("id").values_list("indicator_id", "period_start", "value")[:500])


def test_same_seed_gives_the_same_rows(municipalities):
    """Seeding twice with one seed (rolled back in between) gives identical rows."""
    sizes = dataclasses.replace(TINY, measurements=500)
    digests = []
    for _ in range(2):
        with transaction.atomic():
            Seeder(sizes=sizes, seed=11).run()
            digests.append(_digest())
            transaction.set_rollback(True)
    assert digests[0] == digests[1]
    assert len(digests[0]) > TINY.agreements


def test_refuses_a_database_not_meant_for_benchmarks(municipalities, settings, monkeypatch):
    """A database named like a development one is refused unless --allow-any-database."""
    from django.db import connection

    monkeypatch.setitem(connection.settings_dict, "NAME", "kyoso_dev")
    with pytest.raises(CommandError, match="Refusing"):
        call_command("seed_scale", "--scale", "tiny", stdout=io.StringIO())
