from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    """The sustainability forum: members, meetings, and the register of measures it runs."""

    name = "kretslopp.forum"
    label = "forum"
    verbose_name = _("Sustainability forum")

    def ready(self) -> None:
        from kretslopp.core.registry import (
            ApiRouterEntry,
            Landing,
            NavigationEntry,
            Panel,
            PeriodicJob,
            ReportSection,
            lazy,
            registry,
        )

        registry.navigation.register(
            "forum:forums", NavigationEntry("forum:forums", _("Forum"), _reads_forums, 75)
        )
        registry.department_panels.register(
            "forum:measures", Panel("forum/department_panel.html", _department_measures, 60)
        )
        registry.landings.register("forum", Landing(_member_forum_url, 50))
        registry.api_routers.register("forum", ApiRouterEntry("kretslopp.forum.api.router", 80))
        registry.report_sections.register(
            "forum:measures",
            ReportSection(lazy("kretslopp.forum.report_section.measures_section"), 70),
        )
        registry.periodic_jobs.register(
            "forum.remind",
            PeriodicJob(
                _("Mail the forum's reminders"),
                lazy("kretslopp.forum.remindmail.scheduled"),
                every_seconds=24 * 60 * 60,
            ),
        )
        # Follow-up: effects on targets, the reminders panel, the register's import.
        from kretslopp.forum import followup

        followup.register()


def _reads_forums(access) -> bool:
    """The menu entry: organisation-wide and department readers (members without a role
    reach their forum from the page a login without a role lands on)."""
    from kretslopp.organisation.access import Action

    return access.can(Action.VIEW)


def _department_measures(request, access, **subject):
    from kretslopp.forum.panels import department_measures

    return department_measures(request, access, **subject)


def _member_forum_url(user) -> str | None:
    """A login without a role that sits in a forum (an external member) lands on it."""
    from django.urls import reverse

    from kretslopp.forum.models import ForumMember

    forum_ids = list(
        ForumMember.objects.filter(user=user, active=True).values_list("forum_id", flat=True)
    )
    if not forum_ids:
        return None
    if len(forum_ids) == 1:
        return reverse("forum:forum", args=[forum_ids[0]])
    return reverse("forum:forums")
