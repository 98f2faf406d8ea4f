"""What each role sees: the navigation bar and the landing page, declared in one place.

A link names one or more targets (URL name + what the user needs); the first target that exists in
this project and that the user may open wins. A link with no such target is left out, so the pages
never show a link to something that does not exist yet or that the user cannot open. Later issues add
their entries here, for example::

    Link("workbench", _("Workbench"), (Target("cases:workbench"),), roles=CASE_WORKERS),
    Link("supervision", _("Supervision"), (Target("supervision:board"),), roles={Role.SUPERVISOR}),
    Link("stats", _("Statistics"), (Target("stats:index"),), roles={Role.LEADER, Role.SUPERVISOR}),

Labels written here are extracted into govhall/core's catalogue (`make messages`): translate them there,
with the same words as the page they lead to (tests/test_translations.py checks both agree).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from govhall.core.models import Role, User

STAFF_ROLES = frozenset(Role) - {Role.APPLICANT}
CASE_WORKERS = frozenset({Role.CLERK, Role.AGENCY_CLERK, Role.HANDLER, Role.DEPT_HEAD})


@dataclass(frozen=True)
class Target:
    url_name: str
    perm: str | None = None  # a Django permission the user needs, e.g. "catalog.view_serviceitem"
    # The Django admin site: is_staff and at least one permission (without one it is an empty page).
    staff: bool = False
    login: bool = False  # only for signed-in users


@dataclass(frozen=True)
class Link:
    key: str
    label: str | Promise
    targets: tuple[Target, ...]
    # Roles that see the link; None: every signed-in user. Anonymous visitors see it only if `anonymous`.
    roles: frozenset[str] | None = None
    anonymous: bool = False
    description: str | Promise = ""


@dataclass(frozen=True)
class ResolvedLink:
    key: str
    label: str | Promise
    url: str
    description: str | Promise = ""
    active: bool = False


# The case workbench (govhall/cases/urls.py); the labels are also the pages' titles, translated there.
_INTAKE = Link(
    "intake",
    _("Intake"),
    (Target("cases:intake", login=True),),
    roles=frozenset({Role.CLERK, Role.AGENCY_CLERK}),
    description=_("Receive an application: check the materials, then accept it or give a one-time notice."),
)
_QUEUE = Link(
    "queue",
    _("My queue"),
    (Target("cases:queue", login=True),),
    roles=frozenset({Role.HANDLER, Role.DEPT_HEAD}),
    description=_("The steps waiting for your department, the most urgent first."),
)
_EXTENSIONS = Link(
    "extensions",
    _("Extension requests"),
    (Target("cases:extensions", login=True),),
    roles=frozenset({Role.DEPT_HEAD}),
    description=_("Grant or refuse the extensions your handlers ask for."),
)
_CASES = Link(
    "cases",
    _("Case search"),
    (Target("cases:search", login=True),),
    roles=CASE_WORKERS | {Role.SUPERVISOR, Role.LEADER},
    description=_("Find a case by its number, the applicant, an ID number or a phone number."),
)
# The public progress query (the online hall's, govhall/portal/views_progress.py): for everyone who is not
# working the cases.
_PROGRESS = Link(
    "progress",
    _("Progress query"),
    (Target("portal:progress"),),
    roles=frozenset({Role.APPLICANT, Role.OPERATOR}),
    anonymous=True,
    description=_(
        "Enter the case number and the query code from the receipt to see how an application stands."
    ),
)

_SUPERVISION = Link(
    "supervision",
    _("Supervision"),
    (Target("supervision:board", login=True),),
    roles=frozenset({Role.SUPERVISOR, Role.LEADER, Role.DEPT_HEAD}),
    description=_("Traffic lights of every open step, cards and supervision orders."),
)

# Statistics (govhall/stats/urls.py): the leaders' dashboard, rankings and the monthly assessment reports.
_STATS = Link(
    "stats",
    _("Statistics"),
    (Target("stats:index", login=True),),
    roles=frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN}),
    description=_("Indicators by department, hall, lane and item; rankings and monthly assessment reports."),
)

# Fast lanes (govhall/lanes/urls.py): lane cases, the clerk's unified-form application, compression.
_LANES = Link(
    "lanes",
    _("Fast lanes"),
    (Target("lanes:index", login=True),),
    roles=CASE_WORKERS | {Role.SUPERVISOR, Role.LEADER},
    description=_("One form and one set of materials; departments approve in parallel."),
)

# The visit and its rating (govhall/visits): the clerks' queue and windows, the leaders' waiting and service
# times, the departments' follow-ups of bad ratings, and the operator's record of a rating given by phone.
_VISITS = Link(
    "visits",
    _("Queue and windows"),
    (Target("visits:index", login=True),),
    roles=frozenset({Role.CLERK, Role.AGENCY_CLERK, Role.ADMIN}),
    description=_("Call numbers at your window; the hall display and the kiosk."),
)
_VISIT_TIMES = Link(
    "visit-times",
    _("Waiting and service times"),
    (Target("stats:visits", login=True),),
    roles=frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN}),
    description=_("Waiting and service times of hall visits per hall, window group and hour."),
)
_FOLLOW_UPS = Link(
    "follow-ups",
    _("Bad-rating follow-ups"),
    (Target("visits:follow-ups", login=True),),
    roles=frozenset({Role.HANDLER, Role.DEPT_HEAD, Role.SUPERVISOR, Role.LEADER}),
    description=_("Call back every bad rating, record the finding, rectify and report back; decide appeals."),
)
_PHONE_RATING = Link(
    "phone-rating",
    _("Record a rating given by phone"),
    (Target("visits:phone-rating", login=True),),
    roles=frozenset({Role.OPERATOR, Role.ADMIN}),
    description=_("Find the case or the visit by its number and record the caller's rating and reasons."),
)

# The 12345 hotline (govhall/hotline/urls.py): the operator's workbench and the centre's lists, the units'
# tickets. The labels are the pages' titles, translated in govhall/hotline's catalogue.
_HOTLINE = Link(
    "hotline",
    _("12345 hotline workbench"),
    (Target("hotline:workbench", login=True),),
    roles=frozenset({Role.OPERATOR, Role.SUPERVISOR}),
    description=_(
        "Take calls: the caller's earlier tickets, answer during the call or dispatch; returns, extensions, "
        "callbacks and reviews."
    ),
)
_HOTLINE_UNIT = Link(
    "hotline-unit",
    _("12345 tickets of my unit"),
    (Target("hotline:unit", login=True),),
    roles=frozenset({Role.HANDLER, Role.DEPT_HEAD}),
    description=_(
        "Sign for the tickets dispatched to your unit, handle them and reply; the most urgent first."
    ),
)

_CATALOGUE_TARGETS = (
    Target("catalog:index"),  # the public catalogue page, once it exists
    Target("admin:catalog_serviceitem_changelist", perm="catalog.view_serviceitem", staff=True),
)

# The navigation bar, in display order.
NAVIGATION: tuple[Link, ...] = (
    Link("home", _("Home"), (Target("home"),), anonymous=True),
    _INTAKE,
    _QUEUE,
    _EXTENSIONS,
    _CASES,
    _LANES,
    _SUPERVISION,
    _STATS,
    _PROGRESS,
    _VISITS,
    Link(
        "catalog",
        _("Service catalogue"),
        _CATALOGUE_TARGETS,
        anonymous=True,
    ),
    _FOLLOW_UPS,
    _HOTLINE,
    _HOTLINE_UNIT,
    Link("admin", _("Back office"), (Target("admin:index", staff=True),), roles=STAFF_ROLES),
    Link("api", _("API documentation"), (Target("api-docs", login=True),), roles=STAFF_ROLES),
)

_ADMIN_LINKS = (
    Link(
        "users",
        _("Users and roles"),
        (Target("admin:core_user_changelist", perm="core.view_user", staff=True),),
        description=_("Create accounts, give each person a role, a department or a hall."),
    ),
    Link(
        "items",
        _("Service items"),
        (Target("admin:catalog_serviceitem_changelist", perm="catalog.view_serviceitem", staff=True),),
        description=_("The implementation list: items, time limits, materials, fees."),
    ),
    Link(
        "departments",
        _("Departments"),
        (Target("admin:catalog_department_changelist", perm="catalog.view_department", staff=True),),
        description=_("Resident departments of the centre."),
    ),
    Link(
        "halls",
        _("Halls and windows"),
        (Target("admin:catalog_hall_changelist", perm="catalog.view_hall", staff=True),),
        description=_("The centre, sub-halls, township halls and service points."),
    ),
    Link(
        "calendar",
        _("Working-day calendar"),
        (Target("admin:workdays_calendarday_changelist", perm="workdays.view_calendarday", staff=True),),
        description=_("Holidays and adjusted working days of each year."),
    ),
)

_CATALOGUE_LINK = Link(
    "catalog",
    _("Service catalogue"),
    _CATALOGUE_TARGETS,
    description=_("Read the items, their time limits and required materials."),
)
_API_LINK = Link(
    "api",
    _("API documentation"),
    (Target("api-docs", login=True),),
    description=_("The REST API for other systems, with its OpenAPI schema."),
)

# The landing page of each role: what the user can do today, as links. Roles that are not listed
# (or whose links do not exist yet) get the role description only.
LANDING: dict[str, tuple[Link, ...]] = {
    Role.ADMIN: (*_ADMIN_LINKS, _API_LINK, _VISITS),
    Role.CLERK: (_INTAKE, _LANES, _CASES, _CATALOGUE_LINK, _VISITS),
    Role.AGENCY_CLERK: (_INTAKE, _CASES, _CATALOGUE_LINK, _VISITS),
    Role.HANDLER: (_QUEUE, _HOTLINE_UNIT, _CASES, _CATALOGUE_LINK),
    Role.DEPT_HEAD: (_QUEUE, _HOTLINE_UNIT, _EXTENSIONS, _SUPERVISION, _CASES, _CATALOGUE_LINK),
    Role.SUPERVISOR: (_SUPERVISION, _HOTLINE, _STATS, _CASES, _CATALOGUE_LINK, _API_LINK, _VISIT_TIMES),
    Role.OPERATOR: (_HOTLINE, _PROGRESS, _CATALOGUE_LINK, _PHONE_RATING),
    Role.LEADER: (_STATS, _SUPERVISION, _CASES, _CATALOGUE_LINK, _API_LINK, _VISIT_TIMES),
    Role.APPLICANT: (_PROGRESS, _CATALOGUE_LINK),
}

ROLE_DESCRIPTIONS: dict[str, str | Promise] = {
    Role.CLERK: _("You accept applications at a window, check materials and hand over results."),
    Role.AGENCY_CLERK: _(
        "You accept applications at a township hall on the centre's behalf and forward them."
    ),
    Role.HANDLER: _("You review and decide the steps of cases that belong to your department."),
    Role.DEPT_HEAD: _("You lead your department's work in the centre and approve extensions."),
    Role.SUPERVISOR: _("You watch the traffic lights, issue supervision orders and publish assessments."),
    Role.OPERATOR: _("You register 12345 hotline calls as tickets and dispatch them."),
    Role.LEADER: _("You follow the statistics, rankings and monthly reports."),
    Role.ADMIN: _("You keep the catalogue, halls, windows, users and the working-day calendar."),
    Role.APPLICANT: _("You can follow your applications with the progress query."),
}

# What a role's page says plainly about the work that is not built yet, instead of pretending.
ROLE_NOTES: dict[str, str | Promise] = {
    # Shown only where the portal is not installed: otherwise an applicant's home is the portal.
    Role.APPLICANT: _(
        "Service guides, forms to download and the search for every service are in the online service "
        "hall; follow your applications with the progress query."
    ),
}


def _reverse(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _allowed(user: User | AnonymousUser, target: Target) -> bool:
    if (target.login or target.staff or target.perm) and not user.is_authenticated:
        return False
    if target.staff and not (user.is_staff and user.is_active):
        return False
    if target.staff and not (user.is_superuser or user.get_all_permissions()):
        return False
    return not target.perm or user.has_perm(target.perm)


def _sees(user: User | AnonymousUser, link: Link) -> bool:
    if not user.is_authenticated:
        return link.anonymous
    return link.roles is None or user.role in link.roles


def resolve_link(link: Link, user: User | AnonymousUser, *, path: str = "") -> ResolvedLink | None:
    """The link as the user may follow it, or None when it does not exist for them."""
    if not _sees(user, link):
        return None
    for target in link.targets:
        url = _reverse(target.url_name)
        if url is not None and _allowed(user, target):
            active = path == url if url == "/" else path.startswith(url)
            return ResolvedLink(link.key, link.label, url, link.description, active)
    return None


def resolve_links(links: Iterable[Link], user: User | AnonymousUser, *, path: str = "") -> list[ResolvedLink]:
    return [r for link in links if (r := resolve_link(link, user, path=path)) is not None]


def navigation_for(user: User | AnonymousUser, *, path: str = "") -> list[ResolvedLink]:
    return resolve_links(NAVIGATION, user, path=path)


def landing_for(user: User) -> list[ResolvedLink]:
    return resolve_links(LANDING.get(user.role, ()), user)
