"""A stand-in for Stripe's API, given to `stripe.StripeClient` as its HTTP client (the
library's `http_client` hook, through `STRIPE_HTTP_CLIENT`), and Stripe's way of signing
webhooks.

It records every request (method, path, parameters decoded from the form body, idempotency
key) and answers with objects shaped like Stripe's. Like Stripe, a request repeated with the
same idempotency key gets the first answer, and the same key with other parameters is an
error. Nothing leaves the process.
"""

import hashlib
import hmac
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import stripe

WEBHOOK_SECRET = "whsec_test_elp_exchange"
SECRET_KEY = "sk_test_elp_exchange"


@dataclass
class Request:
    method: str
    path: str
    params: dict
    idempotency_key: str | None
    headers: dict = field(repr=False)


def _set(target, keys, value):
    key, rest = keys[0], keys[1:]
    if isinstance(target, list):
        index = int(key)
        while len(target) <= index:
            target.append(None)
        if not rest:
            target[index] = value
            return
        if target[index] is None:
            target[index] = [] if rest[0].isdigit() else {}
        _set(target[index], rest, value)
        return
    if not rest:
        target[key] = value
        return
    if key not in target:
        target[key] = [] if rest[0].isdigit() else {}
    _set(target[key], rest, value)


def decode_form(text):
    """Stripe's form encoding (`line_items[0][price_data][currency]=gbp`) back to a nested
    dict, every value a string, as the API receives it."""
    params = {}
    for name, value in parse_qsl(text or "", keep_blank_values=True):
        keys = re.findall(r"[^\[\]]+", name)
        _set(params, keys, value)
    return params


class FakeStripe(stripe.HTTPClient):
    name = "fake"

    def __init__(self):
        super().__init__()
        self.requests = []
        self.objects = {}
        self.events = []
        self._answers = {}  # idempotency key → (method, path, params, answer)
        self._failures = []
        self._ids = itertools.count(1)

    # --- What tests use --------------------------------------------------------------

    def creates(self, path=None):
        """The POSTs made (to one path), in order."""
        return [r for r in self.requests if r.method == "post" and (path is None or r.path == path)]

    def fail_next(self, status=402, message="Your card was declined.", kind="card_error"):
        self._failures.append((status, {"error": {"type": kind, "message": message}}))

    def pay_invoice(self, invoice_id, payment_intent):
        """Stripe received the bank transfer: the invoice is paid by this PaymentIntent."""
        invoice = self.objects[invoice_id]
        invoice.update(status="paid", amount_paid=invoice["amount_due"], amount_remaining=0)
        invoice["_payment_intent"] = payment_intent
        return dict(invoice)

    def complete_session(self, session_id, payment_intent):
        session = self.objects[session_id]
        session.update(status="complete", payment_status="paid", payment_intent=payment_intent)
        return dict(session)

    def expire_session(self, session_id):
        self.objects[session_id].update(status="expired", url=None)

    # --- The HTTP client -------------------------------------------------------------

    def request(self, method, url, headers, post_data=None):
        parts = urlsplit(url)
        params = decode_form(post_data if method == "post" else parts.query)
        key = (headers or {}).get("Idempotency-Key")
        self.requests.append(Request(method, parts.path, params, key, dict(headers or {})))
        if self._failures:
            status, body = self._failures.pop(0)
            return json.dumps(body), status, {}
        if key and key in self._answers:
            first_method, first_path, first_params, answer = self._answers[key]
            if (first_method, first_path, first_params) != (method, parts.path, params):
                return self._error(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests "
                    "can only be used with the same parameters they were "
                    "first used with.",
                )
            return answer
        answer = self._answer(method, parts.path, params)
        if key and method == "post":
            self._answers[key] = (method, parts.path, params, answer)
        return answer

    def close(self):
        pass

    def _error(self, status, kind, message):
        return json.dumps({"error": {"type": kind, "message": message}}), status, {}

    def _ok(self, obj):
        public = {k: v for k, v in obj.items() if not k.startswith("_")}
        return json.dumps(public), 200, {"request-id": f"req_{next(self._ids)}"}

    def _new(self, prefix, **fields):
        obj = {
            "id": f"{prefix}_fake{next(self._ids):04d}",
            "livemode": False,
            "created": int(time.time()),
            **fields,
        }
        self.objects[obj["id"]] = obj
        return obj

    def _answer(self, method, path, params):
        route = (method, re.sub(r"/(cs|in|cus|re|pi)_[A-Za-z0-9_]+", r"/{\1}", path))
        ident = next(iter(re.findall(r"/((?:cs|in|cus|re|pi)_[A-Za-z0-9_]+)", path)), None)
        if ident is not None and ident not in self.objects:
            return self._error(404, "invalid_request_error", f"No such object: '{ident}'")
        match route:
            case ("post", "/v1/customers"):
                return self._ok(
                    self._new(
                        "cus",
                        object="customer",
                        name=params.get("name"),
                        metadata=params.get("metadata", {}),
                        address=params.get("address"),
                    )
                )
            case ("post", "/v1/checkout/sessions"):
                item = params["line_items"][0]
                amount = int(item["price_data"]["unit_amount"]) * int(item["quantity"])
                session = self._new(
                    "cs_test",
                    object="checkout.session",
                    mode=params["mode"],
                    status="open",
                    payment_status="unpaid",
                    amount_total=amount,
                    amount_subtotal=amount,
                    currency=item["price_data"]["currency"],
                    customer=params.get("customer"),
                    client_reference_id=params.get("client_reference_id"),
                    metadata=params.get("metadata", {}),
                    payment_intent=None,
                    success_url=params["success_url"],
                    cancel_url=params["cancel_url"],
                    expires_at=int(time.time()) + 24 * 3600,
                )
                session["url"] = f"https://checkout.stripe.com/c/pay/{session['id']}"
                return self._ok(session)
            case ("get", "/v1/checkout/sessions/{cs}"):
                return self._ok(self.objects[ident])
            case ("post", "/v1/invoices"):
                return self._ok(
                    self._new(
                        "in",
                        object="invoice",
                        status="draft",
                        customer=params["customer"],
                        collection_method=params["collection_method"],
                        currency=params["currency"],
                        due_date=int(params["due_date"]),
                        amount_due=0,
                        amount_paid=0,
                        amount_remaining=0,
                        metadata=params.get("metadata", {}),
                        payment_settings=params.get("payment_settings"),
                        hosted_invoice_url=None,
                        number=None,
                    )
                )
            case ("post", "/v1/invoiceitems"):
                invoice = self.objects[params["invoice"]]
                invoice["amount_due"] += int(params["amount"])
                invoice["amount_remaining"] = invoice["amount_due"]
                return self._ok(
                    self._new(
                        "ii",
                        object="invoiceitem",
                        invoice=invoice["id"],
                        amount=int(params["amount"]),
                        currency=params["currency"],
                        metadata=params.get("metadata", {}),
                    )
                )
            case ("post", "/v1/invoices/{in}/finalize"):
                invoice = self.objects[ident]
                invoice.update(
                    status="open",
                    number=f"FAKE-{ident[-4:]}",
                    hosted_invoice_url=f"https://invoice.stripe.com/i/acct_fake/test_{ident}",
                )
                return self._ok(invoice)
            case ("get", "/v1/invoices/{in}"):
                return self._ok(self.objects[ident])
            case ("get", "/v1/invoice_payments"):
                invoice = self.objects.get(params.get("invoice"), {})
                data = []
                if invoice.get("_payment_intent"):
                    data.append(
                        {
                            "id": f"inpay_{invoice['id']}",
                            "object": "invoice_payment",
                            "invoice": invoice["id"],
                            "status": "paid",
                            "amount_paid": invoice["amount_paid"],
                            "currency": invoice["currency"],
                            "payment": {
                                "type": "payment_intent",
                                "payment_intent": invoice["_payment_intent"],
                            },
                        }
                    )
                return self._ok(
                    {
                        "object": "list",
                        "url": "/v1/invoice_payments",
                        "has_more": False,
                        "data": data,
                    }
                )
            case ("post", "/v1/refunds"):
                return self._ok(
                    self._new(
                        "re",
                        object="refund",
                        amount=int(params["amount"]),
                        currency="gbp",
                        payment_intent=params["payment_intent"],
                        status="succeeded",
                        metadata=params.get("metadata", {}),
                    )
                )
            case ("get", "/v1/events"):
                since = int(params.get("created", {}).get("gte", 0))
                types = set(params.get("types", [])) or None
                data = [
                    event
                    for event in self.events
                    if event["created"] >= since and (types is None or event["type"] in types)
                ]
                data.sort(key=lambda event: event["created"], reverse=True)  # newest first
                return self._ok(
                    {"object": "list", "url": "/v1/events", "has_more": False, "data": data}
                )
        return self._error(404, "invalid_request_error", f"Unrecognized request URL ({path})")


# --- Events and their signatures, as Stripe sends them ------------------------------------


def event(event_type, obj, event_id=None, created=None):
    """An event as Stripe's webhook delivers it (a snapshot of the object)."""
    return {
        "id": event_id or f"evt_{abs(hash((event_type, json.dumps(obj, sort_keys=True)))):x}",
        "object": "event",
        "api_version": stripe.api_version,
        "created": created or int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "type": event_type,
        "data": {"object": obj},
    }


def sign(payload, secret=WEBHOOK_SECRET, timestamp=None):
    """The `Stripe-Signature` header: t=<time>,v1=<HMAC-SHA256 of "t.payload">."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed_payload = f"{timestamp}.{payload}"
    signature = hmac.new(secret.encode(), signed_payload.encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def stripe_charge(payment_intent, amount, refunded=0, metadata=None, currency="gbp"):
    """A Stripe Charge (the payment), as in a `charge.refunded` event."""
    return {
        "id": f"ch_{payment_intent[3:]}",
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": refunded,
        "captured": True,
        "created": int(time.time()),
        "currency": currency,
        "paid": True,
        "refunded": refunded == amount,
        "payment_intent": payment_intent,
        "metadata": metadata or {},
        "status": "succeeded",
    }
