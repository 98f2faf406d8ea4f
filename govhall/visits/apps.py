from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    """The visit to a hall and its rating: appointments (预约), queue numbers (取号), window calling (叫号),
    the visit record, ratings (好差评) of cases, visits and the website, and the follow-up of every bad
    rating. It stands above cases, lanes and supervision and below stats and the portal."""

    name = "govhall.visits"
    label = "visits"
    verbose_name = _("Visits and ratings")
