from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("events/", views.EventListView.as_view(), name="list"),
    # Before the detail pattern, which would otherwise read "calendar.ics" as a slug (it
    # cannot today: a slug has no dot, but the order keeps it obvious).
    path("events/calendar.ics", views.calendar_feed, name="calendar"),
    path("events/<uslug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("commitments/", views.CommitmentListView.as_view(), name="commitments"),
    path("commitments/export.csv", views.commitments_csv, name="commitments_csv"),
    path("commitments/export.json", views.commitments_json, name="commitments_json"),
]
