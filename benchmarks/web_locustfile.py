"""Locust users for benchmarks/web_load.py: each a signed-in analyst reading workspace pages.

Environment: HN_SESSIONS (comma-separated session keys), HN_LA_CODE (overview LA),
HN_DEMO_LA_CODE and HN_JOB_ID (the demo LA's finished forecast), set by web_load.py.
"""

import itertools
import os

from locust import HttpUser, between, task

LA = os.environ.get("HN_LA_CODE", "356")
JOB = os.environ.get("HN_JOB_ID", "1")
DEMO_LA = os.environ.get("HN_DEMO_LA_CODE", "999")
OVERVIEW_CHARTS = ("caseload", "rates", "setting_groups", "age_bands", "comparison_rate")
FORECAST_CHARTS = ("total", "by_setting_group", "by_age_band")
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
        for key in OVERVIEW_CHARTS:  # what a browser fetches next
            self.client.get(f"/workspaces/{LA}/overview/{key}/chart.svg", name="overview chart")

    @task(2)
    def forecast_result(self):
        url = f"/workspaces/{DEMO_LA}/jobs/{JOB}/"
        with self.client.get(url, name="forecast result", catch_response=True) as r:
            if "EHCP caseload forecast" not in r.text:
                r.failure("the forecast result page did not show its fan chart")
        for key in FORECAST_CHARTS:
            self.client.get(f"{url}{key}/chart.svg", name="forecast chart")

    @task(1)
    def overview_csv(self):
        self.client.get(f"/workspaces/{LA}/overview/caseload.csv", name="overview CSV")
