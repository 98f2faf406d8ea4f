"""Signals of the visit (part visit). `visit_finished` is sent after the commit that ends a service, with
the visit (window, clerk, hall, item and the four times set): the window's rating tablet listens to it."""

from django.dispatch import Signal

visit_finished = Signal()  # sender=Visit, visit=<Visit>
