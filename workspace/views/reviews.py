"""The yearly review of an agreement (issue 16 §3): the officers' page per fiscal year — both sides'
grades side by side with the differences to discuss, the municipality's evaluation, the renewal clause's
notice period and the renewal decision — and the partner's own evaluation. The services decide
(agreements.review_services); these pages collect the input and show their refusals on the form."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements import review_services as reviews
from agreements import services
from agreements.choices import EvaluationAspect, EvaluationSide, Grade, RenewalOutcome
from agreements.models import Agreement
from partnerships.access import access_for, require_officer
from partnerships.models import Role

from ..access import officer_agreement, officer_rights, officer_view, partner_view
from ..forms import DateInput, add_service_errors


class EvaluationForm(forms.Form):
    """A grade (A–D) and a comment for every aspect, and an overall comment."""

    def __init__(self, *args, evaluation=None, **kwargs):
        super().__init__(*args, **kwargs)
        stored = {g.aspect: g for g in evaluation.grades.all()} if evaluation else {}
        for aspect in EvaluationAspect:
            grade = stored.get(aspect.value)
            self.fields[f"grade_{aspect.value}"] = forms.ChoiceField(
                label=aspect.label,
                choices=Grade.choices,
                widget=forms.RadioSelect,
                initial=grade.grade if grade else None,
            )
            self.fields[f"comment_{aspect.value}"] = forms.CharField(
                label=gettext_lazy("Comment: %(aspect)s") % {"aspect": aspect.label},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=grade.comment if grade else "",
            )
        self.fields["comment"] = forms.CharField(
            label=gettext_lazy("Overall comment"),
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3}),
            initial=evaluation.comment if evaluation else "",
        )

    def grades(self) -> dict:
        data = self.cleaned_data
        return {a: (data[f"grade_{a}"], data[f"comment_{a}"]) for a in EvaluationAspect.values}

    def aspects(self):
        """(grade field, comment field) per aspect, for the template."""
        return [(self[f"grade_{a}"], self[f"comment_{a}"]) for a in EvaluationAspect.values]


class RenewalDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Decision"), choices=RenewalOutcome.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=gettext_lazy("Reasons"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What the review found, and for a renewal with changes, what changes."),
    )
    decided_on = forms.DateField(label=gettext_lazy("Decided on"), widget=DateInput)


class NoticeDaysForm(forms.Form):
    renewal_notice_days = forms.IntegerField(
        label=gettext_lazy("Notice period before renewal (days)"),
        required=False,
        min_value=0,
        max_value=365,
        help_text=gettext_lazy("Empty: the renewal clause gives no notice period."),
    )


ACTIONS = ("evaluate", "decide", "notice")


def _fiscal_years(agreement, fiscal_year, today) -> dict:
    """The fiscal year shown (the current one by default) and its neighbours within the agreement's life:
    from the year it started (or was signed) to the current one; a year outside it is a 404."""
    current = reviews.fiscal_year_of(today)
    start = agreement.starts_on or agreement.signed_on
    first = min(reviews.fiscal_year_of(start), current) if start else current
    year = current if fiscal_year is None else fiscal_year
    if not first <= year <= current:
        raise Http404(_("No such fiscal year."))
    return {
        "fiscal_year": year,
        "previous_year": year - 1 if year > first else None,
        "next_year": year + 1 if year < current else None,
    }


@officer_view
def agreement_reviews(request, public_id, fiscal_year=None):
    """The yearly review of one agreement for a fiscal year (the current one by default)."""
    posting = request.method == "POST"
    agreement = officer_agreement(request, public_id)
    today = timezone.localdate()
    years = _fiscal_years(agreement, fiscal_year, today)
    year = years["fiscal_year"]
    action = request.POST.get("action") if posting else None
    if posting and action not in ACTIONS:
        return HttpResponseBadRequest(_("Unknown action."))
    rights = officer_rights(request.user, agreement.municipality_id)
    comparison = reviews.evaluation_comparison(agreement=agreement, fiscal_year=year)
    data = request.POST if posting else None
    evaluation_form = EvaluationForm(data if action == "evaluate" else None, evaluation=comparison.city)
    decision_form = RenewalDecisionForm(data if action == "decide" else None, initial={"decided_on": today})
    notice_form = NoticeDaysForm(
        data if action == "notice" else None, initial={"renewal_notice_days": agreement.renewal_notice_days}
    )
    form = None
    if posting:
        form = {"evaluate": evaluation_form, "decide": decision_form, "notice": notice_form}[action]
        role = Role.APPROVER if action == "decide" else Role.EDITOR
        require_officer(request.user, agreement.municipality_id, role)  # the service's rule, early
        editing = action == "decide" and request.POST.get("edit")  # back from the check, answers kept
        if form.is_valid() and action == "decide" and not editing and not request.POST.get("confirmed"):
            # check your answers: a decision is not edited afterwards, and "end" turns off the renewal
            return render(
                request,
                "workspace/reviews/decision_check.html",
                {"agreement": agreement, "decision_form": form, **years, "data": form.cleaned_data,
                 "outcome": RenewalOutcome(form.cleaned_data["outcome"]).label},
            )  # fmt: skip
        if form.is_valid() and not editing:
            try:
                done = _officer_action(request, agreement, year, action, form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("workspace:agreement-reviews-year", public_id=agreement.public_id, fiscal_year=year)
    decisions = list(agreement.renewal_decisions.select_related("decided_by"))  # select_related: who decided
    deadline = reviews.objection_deadline(agreement)
    context = {
        "agreement": agreement,
        **years,
        "comparison": comparison,
        "evaluation_form": evaluation_form,
        "decision_form": decision_form,
        "notice_form": notice_form,
        "form": form,  # the error summary at the top (base.html)
        "decisions": decisions,
        "term_decision": next((d for d in decisions if d.term_ends_on == agreement.ends_on), None),
        "deadline": deadline,
        "days_left": (deadline - today).days if deadline else None,
        "can_decide": agreement.status == "active" and agreement.ends_on is not None,
        "today": today,
        **rights,
    }
    return render(request, "workspace/reviews/agreement_reviews.html", context)


def _officer_action(request, agreement, year, action, form) -> str:
    data = form.cleaned_data
    if action == "evaluate":
        reviews.evaluation_submit(
            agreement=agreement,
            fiscal_year=year,
            side=EvaluationSide.CITY,
            by=request.user,
            grades=form.grades(),
            comment=data["comment"],
        )
        return _("The municipality's evaluation was saved.")
    if action == "decide":
        decision = reviews.renewal_decide(
            agreement=agreement,
            by=request.user,
            outcome=data["outcome"],
            reasons=data["reasons"],
            decided_on=data["decided_on"],
        )
        return _("The decision was recorded: %(outcome)s.") % {"outcome": decision.get_outcome_display()}
    services.agreement_update(agreement=agreement, by=request.user, renewal_notice_days=data["renewal_notice_days"])
    return _("The notice period was saved.")


@partner_view
def partner_review(request, public_id, fiscal_year=None):
    """The partner organization's own evaluation of an agreement it is a party to, for a fiscal year.
    The municipality's grades are shown once the partner has submitted its own (neither side is led by
    the other's)."""
    access = access_for(request.user)
    # select_related: the page names the agreement's municipality
    agreement = get_object_or_404(
        Agreement.objects.of_partner(request.user).select_related("municipality"), public_id=public_id
    )
    today = timezone.localdate()
    years = _fiscal_years(agreement, fiscal_year, today)
    year = years["fiscal_year"]
    # the user's organizations that are parties to the agreement (usually one)
    organizations = [
        party.organization
        for party in agreement.parties.filter(organization_id__in=access.organizations()).select_related(
            "organization"
        )  # select_related: the organization's name
    ]
    chosen = request.POST.get("organization") or request.GET.get("organization")
    organization = next((o for o in organizations if str(o.pk) == chosen), organizations[0])
    can_report = services.is_partner_editor(request.user, organization.pk)
    comparison = reviews.evaluation_comparison(agreement=agreement, fiscal_year=year)
    own = next((e for e in comparison.partners if e.organization_id == organization.pk), None)
    form = EvaluationForm(request.POST or None, evaluation=own)
    if request.method == "POST":
        if not can_report:
            raise PermissionDenied(_("Only an editor of the responsible organization can report on this."))
        if form.is_valid():
            try:
                reviews.evaluation_submit(
                    agreement=agreement,
                    fiscal_year=year,
                    side=EvaluationSide.PARTNER,
                    organization=organization,
                    by=request.user,
                    grades=form.grades(),
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your evaluation was sent to the municipality."))
                url = f"{request.path}?organization={organization.pk}" if len(organizations) > 1 else request.path
                return redirect(url)
    return render(
        request,
        "workspace/reviews/partner_review.html",
        {
            "agreement": agreement,
            **years,
            "organization": organization,
            "organizations": organizations,
            "own": own,
            "comparison": comparison.of_partner(organization.pk) if own else None,
            "form": form,
            "can_report": can_report,
        },
    )
