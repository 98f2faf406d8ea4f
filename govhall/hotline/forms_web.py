"""The web channel's forms: leaving a message (留言) and searching the answered ones. The rules of a
ticket are register_ticket's; these forms only parse, and say which field is missing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from govhall.hotline.models import Area, RequestType
from govhall.hotline.queries_web import DIGIT_RUN, subject_choices

# The citizen's words for the request types, in the order the form offers them.
TYPE_LABELS = {
    RequestType.ENQUIRY: pgettext_lazy("hotline web", "Enquiry"),
    RequestType.HELP: pgettext_lazy("hotline web", "Request for help"),
    RequestType.COMPLAINT: pgettext_lazy("hotline web", "Complaint"),
    RequestType.REPORT: pgettext_lazy("hotline web", "Report"),
    RequestType.SUGGESTION: pgettext_lazy("hotline web", "Suggestion"),
    RequestType.PRAISE: pgettext_lazy("hotline web", "Praise"),
}
TYPE_HINTS = {
    RequestType.ENQUIRY: _("Ask about a policy or how to get something done."),
    RequestType.HELP: _("Ask for help with a problem in daily life."),
    RequestType.COMPLAINT: _("Something a public body or a business did wrong to you."),
    RequestType.REPORT: _("Report an offence; who reports is never shown to the units."),
    RequestType.SUGGESTION: _("An idea to improve public services."),
    RequestType.PRAISE: _("Thank a unit or a member of staff."),
}
# Published messages: reports are never published, so the filter does not offer them.
PUBLIC_TYPES = [t for t in TYPE_LABELS if t != RequestType.REPORT]


class MessageForm(forms.Form):
    request_type = forms.ChoiceField(
        label=_("What kind of message is it?"),
        choices=list(TYPE_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of message.")},
    )
    subject = forms.ChoiceField(
        label=pgettext_lazy("hotline web", "Subject"),
        help_text=_("Choose the closest matching subject: it decides which unit handles your message."),
        error_messages={"required": _("Choose a subject.")},
    )
    title = forms.CharField(
        label=pgettext_lazy("hotline web", "Title"),
        max_length=120,
        help_text=_("One line, at most 120 characters, e.g. “Street light broken on Heping Road”."),
        error_messages={"required": _("Give your message a title.")},
    )
    content = forms.CharField(
        label=pgettext_lazy("hotline web", "Your message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happened, since when, and what you ask for. At most 4000 characters."),
        error_messages={"required": _("Write your message.")},
    )
    area = forms.ChoiceField(
        label=_("Sub-district or township"),
        error_messages={"required": _("Choose the sub-district or township where it is.")},
    )
    address = forms.CharField(
        label=pgettext_lazy("hotline web", "Address"),
        max_length=200,
        required=False,
        help_text=_("Street and number, or a landmark. Never published."),
    )
    lat = forms.CharField(
        max_length=32,
        label=pgettext_lazy("hotline web", "Latitude"),
        required=False,
        help_text=_("Decimal degrees, e.g. 30.2741"),
    )
    lon = forms.CharField(
        max_length=32,
        label=pgettext_lazy("hotline web", "Longitude"),
        required=False,
        help_text=_("Decimal degrees, e.g. 120.1551"),
    )
    anonymous = forms.BooleanField(
        label=_("Leave the message anonymously"),
        required=False,
        help_text=_(
            "Your name and phone number are not kept with the message. Nobody can call you back or ask "
            "you about the result, and it will not appear in “My messages”: note the message number."
        ),
    )
    name = forms.CharField(
        label=pgettext_lazy("hotline web", "Your name"),
        max_length=60,
        required=False,
        help_text=_("How the unit addresses you when it calls back."),
    )
    phone = forms.CharField(
        label=_("Phone number for the reply"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("The unit calls this number with the reply. Never published."),
    )
    publish_allowed = forms.BooleanField(
        label=_("The message and its reply may be published on this site"),
        required=False,
        help_text=_(
            "Without your name, phone number or address; numbers in the text are starred out. Reports are "
            "never published."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", _("Choose a subject")), *subject_choices()]
        self.fields["area"].choices = [
            ("", _("Choose a sub-district or township")),
            *Area.objects.values_list("code", "name"),
        ]

    def clean(self):
        data = super().clean()
        if not data.get("anonymous") and not (data.get("phone") or "").strip():
            self.add_error("phone", _("Give a phone number for the reply, or leave the message anonymously."))
        return data


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the answered messages"),
        max_length=50,
        required=False,
        help_text=_("Words in the title or the reply."),
    )
    type = forms.ChoiceField(
        label=pgettext_lazy("hotline web", "Kind of message"),
        required=False,
        choices=[("", _("All kinds")), *((t, TYPE_LABELS[t]) for t in PUBLIC_TYPES)],
    )

    def clean_q(self) -> str:
        q = (self.cleaned_data.get("q") or "").strip()
        if DIGIT_RUN.search(q):
            raise forms.ValidationError(
                _("Search by words: long numbers are starred out and cannot be searched.")
            )
        return q
