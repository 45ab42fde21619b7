"""The real journeys of a school lead, for Locust (run by bench/load_bench.py).

Each virtual user is one signed-in school lead (the accounts file bench/load_bench.py writes,
named by ELP_LOAD_ACCOUNTS), waiting 1–4 s between actions as a person does. The journeys:
search with filters and open an offer from the results; send a request on another lead's
offer; read the Requests inbox and answer a request with a counter-proposal; accept a
proposal; read the home page and the Charges page.

Forms are filled as a browser fills them: the page is fetched, every field it offers is sent
back with its value (the CSRF token, hidden fields, the terms the page fills in), and only
what a person types is changed. Accepting follows whichever form the request page offers:
an "Accept" form that books at once, or a link to a page that checks the booking first,
whose form is then sent. A refused form (the page comes back with "There is a problem") or
any answer other than the page expected is an error. The journeys that change something
are tagged "writes", so `--exclude-tags writes` leaves the reading alone.
"""

import json
import os
import random
import re
from datetime import date, timedelta
from html.parser import HTMLParser

from locust import HttpUser, between, tag, task

ACCOUNTS = json.loads(open(os.environ["ELP_LOAD_ACCOUNTS"]).read())  # noqa: SIM115
QUERIES = ["phonics", "autism", "maths", "reading", "behaviour", "send", "leadership",
           "early years", "science", "attendance", ""]
DISTRICTS = ["Basildon", "Braintree", "Brentwood", "Chelmsford", "Colchester", "Tendring"]
REQUEST_LINK = re.compile(r'href="/requests/(\d+)"')
OFFER_LINK = re.compile(r'href="/offers/(\d+)[?"]')
HOST = "127.0.0.1"
_next_account = iter(range(10**9))


class Form(HTMLParser):
    """The forms of a page: each one's action, method and fields with their values."""

    def __init__(self, page, url):
        super().__init__(convert_charrefs=True)
        self.url = url  # a form without an action is sent back to its page
        self.forms, self._form, self._textarea, self._select = [], None, None, None
        self.feed(page)

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "form":
            self._form = {"action": attributes.get("action") or self.url,
                          "method": (attributes.get("method") or "get").lower(),
                          "fields": [], "choices": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attributes.get("name"):
            kind = (attributes.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                self._form["choices"].setdefault(attributes["name"], []).append(
                    attributes.get("value", "on"))
                if "checked" in attributes:
                    self._form["fields"].append((attributes["name"], attributes.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self._form["fields"].append((attributes["name"], attributes.get("value") or ""))
        elif tag == "textarea" and attributes.get("name"):
            self._textarea = [attributes["name"], ""]
            self._form["fields"].append(self._textarea)
        elif tag == "select" and attributes.get("name"):
            self._select = attributes["name"]
        elif tag == "option" and self._select and "selected" in attributes:
            self._form["fields"].append((self._select, attributes.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None

    def find(self, action_part):
        return next((form for form in self.forms if action_part in form["action"]), None)


def fields_with(form, changes):
    """The form's fields as a browser sends them, with `changes` typed over them (a list
    value fills fields of one name in turn, as the day, month and year boxes of a date)."""
    sent, done = [], set()
    for name, value in form["fields"]:
        if name in changes:
            if name in done:
                continue
            done.add(name)
            values = changes[name] if isinstance(changes[name], list) else [changes[name]]
            sent += [(name, each) for each in values]
        else:
            sent.append((name, value))
    for name, value in changes.items():
        if name not in done:
            sent += [(name, each) for each in (value if isinstance(value, list) else [value])]
    for name, choices in form["choices"].items():
        if name not in done and not any(field == name for field, _ in sent):
            sent.append((name, choices[0]))  # a question a person must answer: the first
    return sent


def day_month_year(day):
    return [str(day.day), str(day.month), str(day.year)]


class SchoolLead(HttpUser):
    wait_time = between(1, 4)

    def on_start(self):
        account = ACCOUNTS["accounts"][next(_next_account) % len(ACCOUNTS["accounts"])]
        self.school_id = account["school_id"]
        # As the server's own cookie (host-only, path /), so the one it sends back replaces it.
        self.client.cookies.set("session", account["cookie"], domain=HOST, path="/")
        self.asked = set()  # offers this school has asked already: a second request is refused
        self.rng = random.Random(self.school_id)

    def get(self, path, name):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return None
            return response.text

    def submit(self, form, changes, name, refused_is_error=True):
        """Send the form; a page that comes back refusing it is an error."""
        with self.client.post(form["action"], data=fields_with(form, changes), name=name,
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return None
            if "There is a problem" in response.text and refused_is_error:
                problem = re.search(r'govuk-error-summary__list.*?<a[^>]*>([^<]+)',
                                    response.text, re.DOTALL)
                response.failure(f"refused: {problem.group(1).strip() if problem else '?'}")
                return None
            return response.text

    @task(6)
    def search_and_open_an_offer(self):
        query = {"q": self.rng.choice(QUERIES)}
        if self.rng.random() < 0.5:
            query["district"] = self.rng.choice(DISTRICTS)
        if self.rng.random() < 0.3:
            query["max_price"] = str(self.rng.choice([200, 400, 800]))
        page = self.get("/search?" + "&".join(f"{k}={v}" for k, v in query.items()),
                        "search results")
        found = OFFER_LINK.findall(page or "")
        if found:
            self.get(f"/offers/{self.rng.choice(found)}", "offer page")

    @tag("writes")
    @task(2)
    def send_a_request(self):
        offer, school_id = self.rng.choice(ACCOUNTS["offers"])
        if school_id == self.school_id or offer in self.asked:
            return  # a school cannot ask its own offer, nor ask the same offer twice at once
        self.asked.add(offer)
        page = self.get(f"/offers/{offer}/request", "request form")
        form = page and Form(page, f"/offers/{offer}/request").find(f"/offers/{offer}/request")
        if not form:
            return  # the offer is this school's own, or already asked: nothing to send
        start = date.today() + timedelta(days=self.rng.randrange(20, 60))
        self.submit(form, {
            "need": "Coaching for our new phonics lead and two Year 1 teachers.",
            "quantity": str(self.rng.randrange(1, 4)),
            "earliest_start": day_month_year(start),
            "latest_end": day_month_year(start + timedelta(days=60)),
        }, "send request")

    @tag("writes")
    @task(3)
    def answer_a_received_request(self):
        page = self.get("/requests", "inbox")
        found = REQUEST_LINK.findall(page or "")
        if not found:
            return
        request_id = self.rng.choice(found[:10])
        page = self.get(f"/requests/{request_id}", "request page")
        if not page or f"/requests/{request_id}/counter" not in page:
            return
        counter = self.get(f"/requests/{request_id}/counter", "counter form")
        form = counter and Form(counter, f"/requests/{request_id}/counter").find(
            f"/requests/{request_id}/counter")
        if form:
            self.submit(form, {"quantity": str(self.rng.randrange(1, 4)),
                               "note": "We could do this on Tuesdays."}, "send counter",
                        refused_is_error=False)

    @tag("writes")
    @task(2)
    def accept_a_proposal(self):
        page = self.get("/requests?box=sent", "inbox, sent")
        found = REQUEST_LINK.findall(page or "")
        if not found:
            return
        request_id = self.rng.choice(found[:10])
        page = self.get(f"/requests/{request_id}", "request page")
        if not page:
            return
        accept = Form(page, f"/requests/{request_id}").find(f"/requests/{request_id}/accept")
        if accept is None:
            # "Check the booking before you accept": a link to the check page, whose form books.
            link = re.search(rf'href="(/requests/{request_id}/[^"]*(?:accept|check)[^"]*)"', page)
            if not link:
                return  # nothing to accept: the latest proposal is this school's own
            check = self.get(link.group(1), "check the booking")
            accept = check and Form(check, link.group(1)).find(f"/requests/{request_id}/")
            if not accept:
                return
        self.submit(accept, {}, "accept", refused_is_error=False)

    @task(3)
    def read_the_home_page(self):
        self.get("/", "home page")

    @task(1)
    def open_charges(self):
        page = self.get("/charges", "charges")
        found = re.findall(r'href="/charges/(\d+)"', page or "")
        if found:
            self.get(f"/charges/{self.rng.choice(found)}", "charge page")
