"""The load test's users, driven by bench/run.py (which passes the plan in BENCH_LOAD_PLAN).

One locust user class per role in the plan, weighted as the plan says; each user takes one of the
sessions run.py signed in through the real login form (its own account where the role has enough),
then opens that role's pages at random by weight, with think time between them, until locust's
--run-time is over. Pages are declared in bench/run.py (PAGES), not here. With several app servers
(the plan's "hosts"), users are dealt to them in turn, as a load balancer would.
"""

import itertools
import json
import os
import random
from http.cookiejar import Cookie
from urllib.parse import urlsplit

from locust import FastHttpUser, between, task

PLAN = json.loads(os.environ.get("BENCH_LOAD_PLAN", '{"roles": {}, "wait_s": [1, 2], "cookie_name": "session", "user_agent": ""}'))
HOSTS = itertools.cycle(PLAN.get("hosts") or [None])


class RoleUser(FastHttpUser):
    abstract = True
    wait_time = between(*PLAN["wait_s"])
    default_headers = {"User-Agent": PLAN["user_agent"]}  # the one the sessions were signed in with
    role = ""
    accounts: itertools.cycle
    pages: list[dict] = []

    def __init__(self, environment):
        self.host = next(HOSTS) or self.host  # before the client is made with it
        super().__init__(environment)

    def on_start(self):
        """Take the next signed-in session of this role (run.py signed it in through the login form)."""
        account = next(self.accounts)
        self.pages = account.get("pages") or self.pages  # without the sample rows another account may not see
        if not account.get("cookie"):
            return
        host = urlsplit(self.host).hostname
        self.client.cookiejar.set_cookie(Cookie(
            0, PLAN["cookie_name"], account["cookie"], None, False, host, False, False, "/", True, False, None, False, None, None, {},
        ))

    @task
    def open_a_page(self):
        page = self.random.choices(self.pages, weights=[p["weight"] for p in self.pages])[0]
        headers = {"HX-Request": "true"} if page["htmx"] else {}
        name = f"{page['name']} [{self.role}]"
        with self.client.get(page["path"], name=name, headers=headers, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


for _role, _spec in PLAN["roles"].items():
    globals()[f"{_role.title().replace('_', '')}User"] = type(
        f"{_role.title().replace('_', '')}User",
        (RoleUser,),
        {"abstract": False, "role": _role, "weight": _spec["weight"], "accounts": itertools.cycle(_spec["sessions"]),
         "pages": _spec["pages"], "random": random.Random(f"bench:{_role}")},
    )
