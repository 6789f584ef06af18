"""Background runs (django-tasks): theme discovery or codebook coding for one question."""

from django_tasks import task


@task()
def run_themes(review_id: int) -> None:
    from . import services

    services.run_themes(review_id)
