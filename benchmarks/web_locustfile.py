"""Locust users for benchmarks/web_load.py: each a signed-in analyst reading workspace pages.

Environment: HN_SESSIONS (comma-separated session keys), HN_LA_CODE, HN_JOB_ID (set by
web_load.py).
"""

import itertools
import os

from locust import HttpUser, between, task

LA = os.environ.get("HN_LA_CODE", "356")
JOB = os.environ.get("HN_JOB_ID", "1")
_counter = itertools.count()


class Analyst(HttpUser):
    # A person reading a page, then clicking on: 0.5 to 1.5 s between requests.
    wait_time = between(0.5, 1.5)

    def on_start(self):
        # Sessions were created beforehand (web_load.py), one per user: signing in 20 people
        # at once is a burst of deliberately slow password hashing, not the pages measured here.
        keys = os.environ["HN_SESSIONS"].split(",")
        self.client.cookies.set("sessionid", keys[next(_counter) % len(keys)])

    @task(3)
    def overview(self):
        with self.client.get(f"/workspaces/{LA}/", name="overview", catch_response=True) as r:
            if "EHCPs by setting group" not in r.text:
                r.failure("overview did not show its tables")

    @task(1)
    def result_page(self):
        with self.client.get(
            f"/workspaces/{LA}/jobs/{JOB}/", name="job result", catch_response=True
        ) as r:
            if "Validation report" not in r.text:
                r.failure("result page did not show its report")

    @task(1)
    def overview_csv(self):
        self.client.get(f"/workspaces/{LA}/overview/caseload.csv", name="overview CSV")
