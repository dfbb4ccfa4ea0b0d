"""The forms of the proposal scheme's workspace pages (docs/proposals.md). They collect input only: every
rule is the services' (proposals.services), whose refusals the views show on these forms."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models import Department, Municipality
from proposals.models import MAX_SCORE, MIN_SCORE, DecisionOutcome, Proposal, Theme

from .forms import DateInput

FREE = ""  # the theme choice of a free proposal (フリー型)


class ProposalForm(forms.ModelForm):
    """The one-page proposal: the municipality, an open theme of it or a free proposal, and the content."""

    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.none(),
        required=False,
        empty_label=_("Free proposal (no theme)"),
        help_text=_("Themes taking proposals today. Choose none for a free proposal."),
    )

    class Meta:
        model = Proposal
        fields = (
            "title",
            "problem",
            "offer",
            "city_must_provide",
            "expected_outcome",
            "measurement",
            "cost_to_city_jpy",
            "no_new_cost",
            "period",
            "confidential",
            "publish_consent",
        )
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("problem", "offer", "city_must_provide", "expected_outcome", "measurement")
        }

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["municipality"].queryset = Municipality.objects.order_by("code")
        # select_related: the label names the theme's municipality
        self.fields["theme"].queryset = (
            Theme.objects.published().open_on(today).select_related("municipality").order_by("municipality__code")
        )
        self.fields["theme"].label_from_instance = lambda theme: f"{theme.municipality.name}: {theme.title}"
        if len(organizations) > 1:
            self.fields["organization"] = forms.ChoiceField(
                label=_("Proposing organization"), choices=[(o.pk, o.name) for o in organizations]
            )
            self.order_fields(["organization", "municipality", "theme"])

    def clean(self):
        data = super().clean()
        municipality, theme = data.get("municipality"), data.get("theme")
        if municipality and theme and theme.municipality_id != municipality.pk:
            self.add_error("theme", _("Choose a published theme of this municipality."))
        return data

    def _post_clean(self):
        """The services validate the proposal (full_clean) with its municipality and organization."""


class RoutingForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Routing a proposal starts its review."),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(municipality=municipality).order_by("name")
        self.fields["departments"].label_from_instance = lambda department: department.name


class ConsultationForm(forms.Form):
    met_on = forms.DateField(label=_("Met on"), widget=DateInput)
    notes = forms.CharField(label=_("Notes"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


SCORE_CHOICES = [(value, str(value)) for value in range(MIN_SCORE, MAX_SCORE + 1)]


class ScoreForm(forms.Form):
    """A score (1–5) and a comment for every criterion of the proposal."""

    def __init__(self, *args, criteria, own=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        stored = {score.criterion_id: score for score in own or ()}
        for criterion in self.criteria:
            score = stored.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                initial=score.score if score else None,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment: %(criterion)s") % {"criterion": criterion.name},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=score.comment if score else "",
            )

    def scores(self) -> dict:
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.criteria}

    def comments(self) -> dict:
        return {c.pk: self.cleaned_data[f"comment_{c.pk}"] for c in self.criteria}


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The decision and its reasons are published."),
    )


class AdoptForm(forms.Form):
    """No field: an adopted proposal becomes an agreement in negotiation (proposal_adopt_to_agreement)."""
