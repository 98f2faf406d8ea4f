from django.urls import path

from govhall.workdays import api

urlpatterns = [
    path("workdays/add", api.AddWorkdaysView.as_view(), name="workdays-add"),
    path("workdays/between", api.WorkdaysBetweenView.as_view(), name="workdays-between"),
    path("calendar/days", api.CalendarDaysView.as_view(), name="calendar-days"),
    path("calendar/years", api.CalendarYearsView.as_view(), name="calendar-years"),
]
