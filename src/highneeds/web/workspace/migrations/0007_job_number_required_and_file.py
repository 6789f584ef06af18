"""Job numbers required and unique per workspace; documents as jobs (Kind.RENDER with the
prepared file)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("workspace", "0006_job_number")]

    operations = [
        migrations.AlterField(
            model_name="job",
            name="number",
            field=models.PositiveIntegerField(
                editable=False, help_text="The job's number within its workspace: 1, 2, 3…"
            ),
        ),
        migrations.AddConstraint(
            model_name="job",
            constraint=models.UniqueConstraint(
                fields=("workspace", "number"), name="job_number_per_workspace"
            ),
        ),
        migrations.AddField(
            model_name="job",
            name="file",
            field=models.BinaryField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="job",
            name="file_name",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name="job",
            name="file_type",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AlterField(
            model_name="job",
            name="kind",
            field=models.CharField(
                choices=[
                    ("import", "Import a file"),
                    ("forecast", "Run a forecast"),
                    ("scenarios", "Compare scenarios"),
                    ("sufficiency", "Check place sufficiency"),
                    ("render", "Prepare a document"),
                ],
                max_length=16,
            ),
        ),
    ]
