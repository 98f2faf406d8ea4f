"""Who works in the living city: the demo accounts where they belong, the half-year's cast elsewhere.

The centre's window clerk is `clerk` (王晓燕), 工商's steps are done by `handler` (张伟) and its extensions
decided by `head` (刘建国), 明水街道's agency clerk is `agency` (李秀英); the other halls and departments
are worked by the half-year history's users (`hist-clerk-<hall>`, `hist-head-<department>`, without a
usable password), plus an agency clerk for two more township halls (`hist-agency-<hall>`).
"""

from __future__ import annotations

from dataclasses import dataclass

from govhall.catalog.models import Department, Hall, HallLevel, Window
from govhall.core.models import Role, User
from govhall.demo.city import CENTRE_CODE, MINGSHUI_HALL
from govhall.demo.history import Cast

# Township halls whose agency clerks (代办员) take applications in for the centre.
AGENCY_HALLS = (MINGSHUI_HALL, "370181-002", "370181-101")
NEEDED_ACCOUNTS = ("clerk", "agency", "handler", "head", "supervisor", "leader")


class LivingError(RuntimeError):
    """The living city cannot be loaded; the message says why."""


@dataclass
class Crew:
    cast: Cast  # the history's: clerks by hall, the department's worker by department (steps, conclusions)
    heads: dict[int, User]  # who decides extensions and answers cards and orders, by department
    accounts: dict[str, User]
    agency: dict[int, User]  # township hall id → its agency clerk
    centre: Hall
    departments: dict[str, Department]  # by code
    windows: dict[tuple[int, int], Window]  # (hall id, department id) → the first window serving it

    @property
    def supervisor(self) -> User:
        return self.accounts["supervisor"]

    @property
    def leader(self) -> User:
        return self.accounts["leader"]

    def clerk(self, hall: Hall | int) -> User:
        return self.cast.clerks[hall if isinstance(hall, int) else hall.pk]

    def worker(self, department_id: int) -> User:
        return self.cast.heads[department_id]

    def head(self, department_id: int) -> User:
        return self.heads[department_id]

    def window(self, hall: Hall, department_id: int) -> Window | None:
        return self.windows.get((hall.pk, department_id))


def crew_for(cast: Cast) -> Crew:
    """The crew of the living city on top of the history's cast (whose users it changes in place: the
    demo accounts take the places of the centre's clerk and 工商's worker)."""
    accounts = {u.username: u for u in User.objects.filter(username__in=NEEDED_ACCOUNTS)}
    missing = [name for name in NEEDED_ACCOUNTS if name not in accounts]
    if missing:
        raise LivingError(
            "The living demo city needs the demo accounts (missing: "
            + ", ".join(missing)
            + "). Load the city with its accounts (govhall demo) in demo mode."
        )
    centre = Hall.objects.get(code=CENTRE_CODE)
    departments = {d.code: d for d in Department.objects.order_by("pk")}
    gsj = accounts["handler"].department_id
    cast.clerks[centre.pk] = accounts["clerk"]
    heads = dict(cast.heads)
    heads[gsj] = accounts["head"]
    cast.heads[gsj] = accounts["handler"]
    agency = {}
    for code in AGENCY_HALLS:
        hall = Hall.objects.get(code=code, level=HallLevel.TOWNSHIP)
        if code == MINGSHUI_HALL:
            agency[hall.pk] = accounts["agency"]
            continue
        user, created = User.objects.get_or_create(
            username=f"hist-agency-{code}",
            defaults={"role": Role.AGENCY_CLERK, "hall": hall, "last_name": "代办员"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        agency[hall.pk] = user
    windows: dict[tuple[int, int], Window] = {}
    through = Window.departments.through
    rows = through.objects.filter(window__is_active=True).order_by("window__hall_id", "window__number", "pk")
    for window_id, hall_id, department_id in rows.values_list(
        "window_id", "window__hall_id", "department_id"
    ):
        windows.setdefault((hall_id, department_id), Window(pk=window_id, hall_id=hall_id))
    return Crew(
        cast=cast,
        heads=heads,
        accounts=accounts,
        agency=agency,
        centre=centre,
        departments=departments,
        windows=windows,
    )
