# Jobs name the lock of the process working on them, a job being checked has a state of its
# own, and a failed job can say why. A preview whose process died before this version left
# its job "previewed" without an outcome (its page failed); such jobs are marked failed.

from django.db import migrations, models


def fail_previews_without_outcome(apps, schema_editor):
    ImportJob = apps.get_model("imports", "ImportJob")
    for job in ImportJob.objects.filter(state="previewed").only("pk", "summary").iterator():
        if "status" not in (job.summary or {}):
            ImportJob.objects.filter(pk=job.pk).update(state="failed", failure="interrupted")


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0003_saved_mapping_owner"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="failure",
            field=models.CharField(
                blank=True,
                choices=[
                    (
                        "interrupted",
                        "The work on this file stopped before it finished: the process doing it ended (a restart, a crash or a time-out). Nothing was imported; upload the file again.",
                    ),
                    (
                        "file_changed",
                        "The stored file is not the one that was checked, so nothing was imported. Upload the file again.",
                    ),
                    (
                        "error",
                        "The import broke off with an unexpected error, so nothing was imported. Try again; if it happens again, tell your administrator.",
                    ),
                ],
                default="",
                max_length=20,
                verbose_name="why it failed",
            ),
        ),
        migrations.AddField(
            model_name="importjob",
            name="worker",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="state",
            field=models.CharField(
                choices=[
                    ("checking", "Being checked"),
                    ("previewed", "Checked, not imported"),
                    ("running", "Importing"),
                    ("done", "Imported"),
                    ("rejected", "Rejected: nothing imported"),
                    ("unreadable", "The file could not be read"),
                    ("failed", "Failed: nothing imported"),
                ],
                default="checking",
                max_length=20,
                verbose_name="state",
            ),
        ),
        migrations.RunPython(fail_previews_without_outcome, migrations.RunPython.noop),
    ]
