from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0003_job_kind_scenarios"),
    ]

    operations = [
        migrations.AlterField(
            model_name="job",
            name="kind",
            field=models.CharField(
                choices=[
                    ("import", "Import a file"),
                    ("forecast", "Run a forecast"),
                    ("scenarios", "Compare scenarios"),
                    ("sufficiency", "Check place sufficiency"),
                ],
                max_length=16,
            ),
        ),
    ]
