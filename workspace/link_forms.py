"""The form that links a KPI to (procedure, standard indicator, period kind): its values are then computed
from the municipality's case records (``outcomes.services.indicator_link_save`` decides and saves)."""

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from outcomes.choices import PeriodKind, StandardIndicator
from outcomes.models import MunicipalProcedure, OutcomeFigure, Procedure


class IndicatorLinkForm(forms.Form):
    procedure = forms.ModelChoiceField(
        label=_("Procedure"),
        queryset=Procedure.objects.none(),
        help_text=_("The procedures your municipality works with come first."),
    )
    kind = forms.ChoiceField(label=_("Standard indicator"), choices=StandardIndicator.choices)
    period = forms.ChoiceField(
        label=_("Period"),
        choices=PeriodKind.choices,
        initial=PeriodKind.FISCAL_YEAR,
        help_text=_("One value per fiscal year (April–March) or per month of 処分日."),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        settings = MunicipalProcedure.objects.filter(municipality=municipality, procedure=OuterRef("pk"))
        figures = OutcomeFigure.objects.filter(municipality=municipality, procedure=OuterRef("pk"))
        self.fields["procedure"].queryset = (
            Procedure.objects.filter(Q(municipality__isnull=True) | Q(municipality=municipality), active=True)
            # the procedures the city works with (settings, or figures from its cases) first
            .annotate(worked=Exists(settings) | Exists(figures))
            .order_by("-worked", "code")
        )
        self.fields["procedure"].label_from_instance = lambda p: f"{p.code} {p.name}"
