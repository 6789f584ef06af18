"""Jobs numbered within their workspace (1, 2, 3…, oldest first). The column is made
required, unique per workspace, in the next migration (its own transaction)."""

from django.db import migrations, models


def number_jobs(apps, schema_editor):
    Job = apps.get_model("workspace", "Job")
    numbers: dict[int, int] = {}
    for job in Job.objects.order_by("created_at", "id").only("id", "workspace_id"):
        numbers[job.workspace_id] = numbers.get(job.workspace_id, 0) + 1
        Job.objects.filter(pk=job.pk).update(number=numbers[job.workspace_id])


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0005_job_awaiting_confirmation"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="number",
            field=models.PositiveIntegerField(null=True, editable=False),
        ),
        migrations.RunPython(number_jobs, migrations.RunPython.noop),
    ]
