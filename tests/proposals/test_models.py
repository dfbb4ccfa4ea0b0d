"""Each rule of the proposal models holds in clean() and, named, in the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from proposals.models import Criterion, Decision, Proposal, Score, Theme
from tests.factories import DepartmentFactory

from .conftest import TODAY, proposal, theme

pytestmark = pytest.mark.django_db


def _violates(name, write):
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        write()


def test_a_theme_cannot_close_before_it_opens(city):
    bad = Theme(
        municipality=city,
        title="t",
        background="b",
        wanted="w",
        opens_on=TODAY,
        closes_on=TODAY - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "closes_on" in error.value.message_dict
    _violates("theme_closes_after_opening", bad.save)


def test_a_theme_s_department_is_of_its_municipality(city, other_city):
    bad = Theme(
        municipality=city,
        department=DepartmentFactory(municipality=other_city),
        title="t",
        background="b",
        wanted="w",
        opens_on=TODAY,
    )
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "department" in error.value.message_dict


def test_no_new_cost_states_no_cost(city, organization):
    bad = Proposal(
        municipality=city,
        organization=organization,
        title="t",
        problem="p",
        offer="o",
        expected_outcome="e",
        no_new_cost=True,
        cost_to_city_jpy=100_000,
    )
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "cost_to_city_jpy" in error.value.message_dict
    _violates("proposal_no_new_cost_means_no_cost", bad.save)


def test_an_unknown_cost_stays_empty_not_zero(city, organization):
    item = proposal(city, organization)
    item.full_clean()
    assert item.cost_to_city_jpy is None and item.no_new_cost is False


def test_a_proposal_s_theme_is_of_its_municipality(city, other_city, organization):
    bad = Proposal(
        municipality=city,
        organization=organization,
        theme=theme(other_city),
        title="t",
        problem="p",
        offer="o",
        expected_outcome="e",
    )
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "theme" in error.value.message_dict


def test_scores_are_one_to_five_and_one_per_reviewer_and_criterion(city, organization, editor):
    item = proposal(city, organization)
    criterion = Criterion.objects.create(municipality=city, name="実現可能性")
    for value in (0, 6):
        bad = Score(proposal=item, reviewer=editor, criterion=criterion, score=value)
        with pytest.raises(ValidationError):
            bad.full_clean()
        _violates("score_in_range", bad.save)
    Score.objects.create(proposal=item, reviewer=editor, criterion=criterion, score=3)
    _violates(
        "score_unique_per_reviewer",
        lambda: Score.objects.create(proposal=item, reviewer=editor, criterion=criterion, score=4),
    )


def test_criteria_weights_are_positive_and_names_unique_per_scheme(city):
    bad = Criterion(municipality=city, name="新規性", weight=0)
    with pytest.raises(ValidationError):
        bad.full_clean()
    _violates("criterion_weight_positive", bad.save)
    Criterion.objects.create(municipality=city, name="新規性")
    _violates("criterion_unique_scheme_name", lambda: Criterion.objects.create(municipality=city, name="新規性"))


def test_a_decision_has_reasons(city, organization):
    bad = Decision(proposal=proposal(city, organization), outcome="rejected", reasons="")
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "reasons" in error.value.message_dict
    _violates("decision_reasons_required", bad.save)
