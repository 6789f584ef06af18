"""Locust users for benchmarks/web_load.py: sign in once, then read the workspace pages.

Environment: HN_USERNAME, HN_PASSWORD, HN_LA_CODE, HN_JOB_ID (set by web_load.py).
"""

import os
import re

from locust import HttpUser, between, task

LA = os.environ.get("HN_LA_CODE", "356")
JOB = os.environ.get("HN_JOB_ID", "1")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Analyst(HttpUser):
    # A person reading a page, then clicking on: 0.5 to 1.5 s between requests.
    wait_time = between(0.5, 1.5)

    def on_start(self):
        page = self.client.get("/accounts/sign-in/", name="sign in (form)")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/accounts/sign-in/",
            {
                "username": os.environ["HN_USERNAME"],
                "password": os.environ["HN_PASSWORD"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{self.host}/accounts/sign-in/"},
            name="sign in (post)",
        )
        if "Your workspaces" not in response.text:
            raise RuntimeError("sign-in failed")

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
