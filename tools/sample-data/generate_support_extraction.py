#!/usr/bin/env python3
"""Generates the synthetic sample use case "support-ticket extraction" (no network, standard library only).

Task kind EXTRACTION: a support ticket -> {orderId, product, amount, currency, requestedAction, urgency}.
Writes into src/main/resources/sample/support-ticket-extraction/:
  use-case.json       key, name, description, task "EXTRACTION", targets, the output contract (outputSchema: a JSON
                      Schema draft 2020-12; fieldRules: per-field match rule and whether the field is critical) and
                      the scorers to run
  prompts.json        prompt versions as chat templates: five PROTOTYPE versions a team would iterate (terse, with
                      field descriptions, with 2 and 5 few-shot turns, then reworded) and one short FINE_TUNED one
  eval-set.jsonl      180 tickets {"input", "expected": <object>} (30 per requested action), disjoint from the
                      interactions and from the few-shot examples
  interactions.jsonl  1,000 production interactions {"id", "user", "input", "output": what a mediocre prompt-only
                      model extracted, "trueOutput": the ideal object, "feedback": null | {"rating": 1 | -1,
                      "correctedOutput": <ideal object> | null, "comment"}}; ~15% contain an e-mail address or
                      phone number (never in any output), ~4% are resubmitted duplicates

orderId, product, amount and currency are absent from the ideal object when the ticket doesn't mention them; the
mediocre output makes the errors such models make: missing fields, a confusable action, an amount without its
currency, a guessed currency, "not urgent" read as urgent, the product with its surrounding words, and now and
then a value that violates the schema (an order id without its prefix, an amount as a string).

All text is synthetic, made from templates and slot values with a fixed seed: the output is byte-identical on
every run. Run from the repository root:
  python3 tools/sample-data/generate_support_extraction.py          writes the files and prints statistics
  python3 tools/sample-data/generate_support_extraction.py --check  writes nothing; exits 1 unless the files on
                                                                    disk are byte-identical to a fresh generation
"""
import json
import os
import random
import re
import sys
from collections import Counter

OUT = os.path.join("src", "main", "resources", "sample", "support-ticket-extraction")
rng = random.Random(20261207)

ACTIONS = ["refund", "replace", "cancel", "track", "update_address", "invoice_copy"]
URGENCIES = ["low", "normal", "high"]
CURRENCIES = ["USD", "EUR", "GBP"]
ORDER_ID_PATTERN = "^(#[0-9]{5}|[A-Z]-[0-9]{5})$"

PRODUCTS = ["wireless earbuds", "standing desk", "espresso machine", "running shoes", "yoga mat",
            "mechanical keyboard", "4K monitor", "air purifier", "hiking backpack", "smart watch", "blender",
            "desk lamp", "office chair", "phone case", "robot vacuum"]
PRICES = [12.99, 19.99, 24.5, 35.5, 49, 59.9, 79, 89.99, 120, 149, 199, 249.99, 310.4, 499, 1200, 1349.5]

USE_CASE = {
    "key": "support-ticket-extraction",
    "name": "Support-ticket extraction",
    "description": "Read a customer support ticket and extract the order it is about, the product, the amount and "
                   "currency, what the customer wants done and how urgent it is, as one JSON object.",
    "task": "EXTRACTION",
    "targetQuality": 0.9,
    "minLabelledExamples": 200,
    "plateauDelta": 0.02,
    "outputSchema": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Support ticket order details",
        "type": "object",
        "properties": {
            "orderId": {"type": "string", "pattern": ORDER_ID_PATTERN,
                        "description": "The order id as written in the ticket: '#' and five digits, or a capital "
                                       "letter, '-' and five digits."},
            "product": {"type": "string", "minLength": 1,
                        "description": "The product the ticket is about, without articles or surrounding words."},
            "amount": {"type": "number", "minimum": 0,
                       "description": "The money amount the ticket mentions, as a number without the currency."},
            "currency": {"type": "string", "enum": CURRENCIES,
                         "description": "The ISO code of the amount's currency, only when the ticket shows it."},
            "requestedAction": {"type": "string", "enum": ACTIONS,
                                "description": "What the customer wants done."},
            "urgency": {"type": "string", "enum": URGENCIES,
                        "description": "high when the customer says it is urgent, low when they say there is "
                                       "no rush, otherwise normal."},
        },
        "required": ["requestedAction", "urgency"],
        "additionalProperties": False,
    },
    "fieldRules": {
        "orderId": {"match": "exact", "critical": True},
        "amount": {"match": "numeric", "tolerance": 0.01, "critical": True},
        "currency": {"match": "exact"},
        "product": {"match": "normalised"},
        "requestedAction": {"match": "exact", "critical": True},
        "urgency": {"match": "exact"},
    },
    "scorers": [{"type": "json-schema"}, {"type": "field-match"}],
}

# The core request of a ticket; {order}, {product} and {amount} are the fields the sentence mentions.
ACTION_TEMPLATES = {
    "refund": [
        "I'd like a refund for the {product}.", "Please refund me for order {order}.",
        "Can I get my money back? I paid {amount} for the {product}.",
        "I returned the {product} last week, please send the {amount} back to my card.",
        "Requesting a refund of {amount} for order {order}.", "The {product} didn't work for me, I want a refund.",
        "I was charged {amount} for order {order} and want it reimbursed.",
        "Please process my refund, the parcel for {order} was delivered back to you.",
        "Money back please, the {product} is not what was advertised.",
        "I want to return my {product} and be refunded.", "Where is the refund for {order}? I sent it back.",
        "Reimburse me the {amount} please, I never received anything.",
        "I want my money back.", "Please refund me, it never worked.",
    ],
    "replace": [
        "My {product} arrived broken, please send a replacement.",
        "The {product} from order {order} stopped working after two days, can you swap it for a new one?",
        "I received the wrong colour of {product}, I need the right one sent.",
        "Can you exchange the {product}? It's faulty.",
        "The {product} is cracked out of the box. I'd like a replacement, not a refund.",
        "Please replace the defective {product} (order {order}).", "Send me another {product}, this one is damaged.",
        "Order {order} came with missing parts, please ship a new unit.",
        "The {product} I paid {amount} for is dead on arrival, I want a working one.",
        "Could I get a new {product}? Mine has a manufacturing fault.",
        "What I received is broken, please send a replacement.",
    ],
    "cancel": [
        "Please cancel order {order}.", "I want to cancel my order for the {product} before it ships.",
        "Cancel {order} please, I ordered it by mistake.",
        "I changed my mind about the {product}, please cancel the order.",
        "Stop order {order}, I don't want it anymore.", "Can you cancel the {amount} order I placed this morning?",
        "Please don't ship {order}, cancel it and refund the {amount}.",
        "I placed a duplicate order for the {product}, cancel one of them.",
        "Kill the order for the {product}, I found it cheaper elsewhere.",
        "Is it too late to call off order {order}?",
        "Please cancel my order.", "I want to cancel what I ordered yesterday.",
    ],
    "track": [
        "Where is my order {order}?", "My {product} still hasn't arrived, can you tell me where it is?",
        "Tracking for {order} hasn't updated in days.",
        "Can you give me a tracking number for the {product} I ordered?",
        "When will order {order} be delivered?",
        "The courier says my {product} was delivered but I have nothing.",
        "Any update on the shipping of {order}?", "It's been two weeks and my {amount} order hasn't shown up.",
        "Has the {product} left your warehouse yet?", "What's the status of {order}? The tracking link is dead.",
        "Where is my parcel?", "My delivery is late, where is it?",
    ],
    "update_address": [
        "I moved, please change the delivery address for order {order}.",
        "Can you ship the {product} to my office instead of my home?",
        "Wrong address on {order}, the house number should be 41, not 14.",
        "Please update the shipping address on my order for the {product}.",
        "I typed the wrong postcode for {order}, can I fix it?",
        "Deliver order {order} to my parents' place instead, I'll be away.",
        "Change the address on the {product} order before it ships, please.",
        "My new flat is ready, send the {product} there rather than to the old address.",
        "Can I redirect {order} to a pickup point?",
        "I need to change my delivery address.",
    ],
    "invoice_copy": [
        "I need an invoice for order {order}.",
        "Can you send me a copy of the invoice for the {product}? I paid {amount}.",
        "Our accounts team needs a VAT receipt for {order}.", "Please resend the receipt for my {amount} purchase.",
        "I lost the invoice for the {product}, can I get another copy?",
        "I need a proper invoice with our company name for order {order}.",
        "Could you email the receipt for {order} again? It never arrived.",
        "For my expense report I need a receipt showing the {amount} I paid.",
        "Please issue a duplicate invoice for the {product}.",
        "Can I have a copy of my invoice?",
    ],
}

# Sentences that add a field the core sentence didn't mention.
DETAIL_TEMPLATES = {
    "order": ["Order {order}.", "My order number is {order}.", "Ref {order}.", "Order no. {order}.",
              "It's order {order}.", "The order is {order}."],
    "product": ["It's the {product}.", "The item in question is the {product}.", "This is about my {product}.",
                "Product: {product}.", "I mean the {product} I bought from you."],
    "amount": ["I paid {amount}.", "It cost {amount}.", "Total was {amount}.", "That's {amount} I'm out of pocket.",
               "The charge was {amount}."],
}
# Cues for the urgency enum; "normal" tickets carry none. "Not urgent" is the trap for keyword matching.
URGENCY_CUES = {
    "high": ["This is urgent.", "Urgent!", "I need this sorted ASAP.", "Please treat this as a priority.",
             "I need it by tomorrow, please hurry.", "Please deal with this immediately.",
             "It's time-sensitive, please answer today."],
    "low": ["No rush.", "Whenever you get a chance.", "Not urgent at all.", "Take your time.",
            "No hurry, just letting you know.", "Whenever is convenient."],
}
OPENERS = ["", "", "", "Hi, ", "Hello team, ", "Hey, ", "Good morning. ", "Hi there! ", "Dear support, ",
           "Sorry to bother you, ", "Second time writing: "]
# Sentences with no field value, some with numbers or ids that are not the order id or the amount.
DISTRACTORS = ["", "", "", "", "", " I've been a customer for 3 years.", " I waited 40 minutes on hold yesterday.",
               " Nobody answered my last message.", " I ordered 2 of them.", " This is my 3rd ticket about it.",
               " My previous invoice INV-2026-0412 was fine.", " Thanks in advance.", " I'm quite disappointed."]
CLOSERS = ["", "", "", " Thanks", " Cheers, Sam", " Regards", " Thank you!", " - Priya", " Best, Jonas", " ??"]

# Which wrong action a mediocre prompt gives for each true action, and a word in a ticket that pulls it that way.
CONFUSABLE_ACTION = {"refund": ["cancel", "replace"], "replace": ["refund"], "cancel": ["refund"],
                     "track": ["update_address"], "update_address": ["track"], "invoice_copy": ["refund"]}
PULLING_WORDS = {"refund": "refund", "cancel": "cancel", "track": "ship"}

FIRST = ["maria", "li", "tom", "amara", "jonas", "priya", "oscar", "yuki", "fatima", "liam", "sofia", "dev"]
LAST = ["lopez", "chen", "okafor", "schmidt", "patel", "nguyen", "silva", "kowalski", "brown", "haddad"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "example.co.uk"]

# Hand-written few-shot turns for the prompts; main() checks none of them occurs among the generated tickets.
FEW_SHOT = [
    {"input": "Hello, my order #30917 for the Blender came with a cracked jug. Can you send me a new one? "
              "Needed before Saturday, so urgent please.",
     "output": {"orderId": "#30917", "product": "blender", "requestedAction": "replace", "urgency": "high"}},
    {"input": "Could I get a copy of the receipt for the 59.90 GBP I spent on a phone case? No hurry.",
     "output": {"product": "phone case", "amount": 59.9, "currency": "GBP", "requestedAction": "invoice_copy",
                "urgency": "low"}},
    {"input": "Please stop order B-20455 before it leaves the warehouse, I bought the Office Chair twice.",
     "output": {"orderId": "B-20455", "product": "office chair", "requestedAction": "cancel", "urgency": "normal"}},
    {"input": "I sent the running shoes back 10 days ago and I'm still waiting for my $89.99.",
     "output": {"product": "running shoes", "amount": 89.99, "currency": "USD", "requestedAction": "refund",
                "urgency": "normal"}},
    {"input": "Our office moved last week - can order C-44017 go to the new building instead? ASAP please.",
     "output": {"orderId": "C-44017", "requestedAction": "update_address", "urgency": "high"}},
]

SYSTEM_TERSE = "Extract the order details from this customer support ticket as JSON."
SYSTEM_FIELDS = (
    "You extract order details from customer support tickets. Answer with one JSON object with these fields:\n"
    "- orderId: the order id as written, '#' and five digits (#48213) or a capital letter, '-' and five digits "
    "(A-77120)\n"
    "- product: the product the ticket is about, lower case, without words like 'the' or 'my'\n"
    "- amount: the money amount as a number, without the currency\n"
    "- currency: USD, EUR or GBP, only when the ticket shows the currency\n"
    "- requestedAction: one of refund, replace, cancel, track, update_address, invoice_copy\n"
    "- urgency: high if the customer says it is urgent, low if they say there is no rush, otherwise normal\n"
    "Leave out orderId, product, amount and currency when the ticket doesn't mention them; never guess.")
SYSTEM_FINE_TUNED = "Extract the order details from the support ticket as JSON."
SYSTEM_REWORDED = "\nCopy values exactly as the ticket writes them."


def prompt(system, few_shot):
    return {"purpose": "PROTOTYPE", "spec": {
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": "{{input}}"}],
        "fewShot": few_shot, "settings": {"temperature": 0, "maxTokens": 300}, "responseFormat": "json_schema"}}


# the last iteration only rewords the instruction: it gains nothing, so prompting has plateaued
PROMPTS = [prompt(SYSTEM_TERSE, []), prompt(SYSTEM_FIELDS, []), prompt(SYSTEM_FIELDS, FEW_SHOT[:2]),
           prompt(SYSTEM_FIELDS, FEW_SHOT), prompt(SYSTEM_FIELDS + SYSTEM_REWORDED, FEW_SHOT),
           dict(prompt(SYSTEM_FINE_TUNED, []), purpose="FINE_TUNED")]


def number(value):
    """A price as JSON writes it: 49 rather than 49.0."""
    return int(value) if value == int(value) else round(value, 2)


def amount_text(value, currency):
    plain = ("%d" % value) if value == int(value) else ("%.2f" % value)
    grouped = ("{:,}".format(int(value))) if value == int(value) else ("{:,.2f}".format(value))
    if currency is None:
        return plain
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}[currency]
    word = {"USD": "dollars", "EUR": "euros", "GBP": "pounds"}[currency]
    return rng.choice([symbol + grouped, symbol + grouped, symbol + plain, plain + " " + currency,
                       currency + " " + plain, plain + " " + word])


def order_id():
    digits = "%05d" % rng.randint(10000, 99999)
    return "#" + digits if rng.random() < 0.6 else rng.choice("ABCDKMR") + "-" + digits


def product_text(product):
    return rng.choice([product, product, product.title(), product.capitalize()])


def phone():
    d = lambda n: "".join(str(rng.randint(0, 9)) for _ in range(n))
    return rng.choice([
        "+44 20 7946 " + d(4), "(415) 555-0" + d(3), "555-867-" + d(4), "+1-202-555-0" + d(3),
        "+49 30 5550 " + d(4), "020 7946 " + d(4)])


def email():
    return rng.choice(FIRST) + rng.choice([".", "_", ""]) + rng.choice(LAST) + rng.choice(["", str(rng.randint(1, 99))]) \
        + "@" + rng.choice(DOMAINS)


def fields_of(template):
    return set(re.findall(r"\{(\w+)\}", template))


def ticket(action, with_pii):
    """A ticket text and the ideal extraction from it."""
    wanted = {"order": rng.random() < 0.75, "product": rng.random() < 0.75, "amount": rng.random() < 0.76}
    present = {f for f, on in wanted.items() if on}
    fitting = [t for t in ACTION_TEMPLATES[action] if fields_of(t) <= present]
    core = rng.choice(fitting)
    values = {"order": order_id(), "product": rng.choice(PRODUCTS), "amount": rng.choice(PRICES)}
    currency = rng.choice(CURRENCIES) if rng.random() < 0.95 else None
    surface = {"order": values["order"], "product": product_text(values["product"]),
               "amount": amount_text(values["amount"], currency)}
    sentences = [core.format(**surface)]
    missing = [f for f in ("order", "product", "amount") if f in present and f not in fields_of(core)]
    rng.shuffle(missing)  # a list, not a set: set order changes with PYTHONHASHSEED, which breaks byte-identity
    for field in missing:
        detail = rng.choice(DETAIL_TEMPLATES[field]).format(**surface)
        if rng.random() < 0.35:
            sentences.insert(0, detail)
        else:
            sentences.append(detail)
    if "product" in present and rng.random() < 0.05:  # a second product that the ticket is not about
        other = rng.choice([p for p in PRODUCTS if p != values["product"]])
        sentences.append("The %s from the same order is fine." % product_text(other))
    urgency = rng.choices(URGENCIES, weights=[20, 50, 30])[0]
    if urgency != "normal":
        cue = rng.choice(URGENCY_CUES[urgency])
        sentences.insert(0 if rng.random() < 0.3 else len(sentences), cue)
    text = rng.choice(OPENERS) + " ".join(sentences) + rng.choice(DISTRACTORS)
    if urgency == "high" and rng.random() < 0.1:
        text = "URGENT: " + text
    if with_pii:
        text += rng.choice([" You can reach me at {e}.", " My email is {e}.", " Call me on {p}.",
                            " Contact: {e} / {p}.", " Please ring {p} after 5pm."]).format(e=email(), p=phone())
    text += rng.choice(CLOSERS)

    ideal = {}
    if "order" in present:
        ideal["orderId"] = values["order"]
    if "product" in present:
        ideal["product"] = values["product"]
    if "amount" in present:
        ideal["amount"] = number(values["amount"])
        if currency:
            ideal["currency"] = currency
    ideal["requestedAction"] = action
    ideal["urgency"] = urgency
    return text, ideal


def mediocre_output(text, ideal):
    """What a prompt-only model answers: often right, otherwise wrong in the ways such models are."""
    out = dict(ideal)
    lower = text.lower()
    for field in ("orderId", "product", "amount"):
        if field in out and rng.random() < 0.10:
            del out[field]
            if field == "amount":
                out.pop("currency", None)
    if "currency" in out and rng.random() < 0.12:
        del out["currency"]  # the amount without its currency
    elif "amount" in out and "currency" not in out and rng.random() < 0.5:
        out["currency"] = "USD"  # a guessed currency
    action = ideal["requestedAction"]
    pulled = [a for a, word in PULLING_WORDS.items() if a != action and word in lower]
    if pulled and rng.random() < 0.5:
        out["requestedAction"] = rng.choice(pulled)
    elif rng.random() < 0.12:
        out["requestedAction"] = rng.choice(CONFUSABLE_ACTION[action])
    if "not urgent" in lower and rng.random() < 0.7:
        out["urgency"] = "high"
    elif ideal["urgency"] != "normal" and rng.random() < 0.2:
        out["urgency"] = "normal"
    if "product" in out and rng.random() < 0.08:
        match = re.search(r"(?:the|my|a) " + re.escape(out["product"]) + r"(?: order| I bought| I ordered)?",
                          text, re.IGNORECASE)
        if match:
            out["product"] = match.group(0)  # the product with its surrounding words
    if "orderId" in out and rng.random() < 0.04:
        out["orderId"] = out["orderId"].lstrip("#").split("-")[-1]  # violates the schema's pattern
    if "amount" in out and rng.random() < 0.03:
        out["amount"] = str(out["amount"])  # a string where the schema wants a number
    return {k: out[k] for k in ("orderId", "product", "amount", "currency", "requestedAction", "urgency") if k in out}


def correction_comment(output, ideal):
    """What a reviewer writes about the first field the model got wrong."""
    for field in ("requestedAction", "orderId", "amount", "currency", "product", "urgency"):
        if field not in output and field in ideal:
            return "missed the " + {"orderId": "order id"}.get(field, field)
        if field in output and field not in ideal:
            return field + " isn't in the ticket"
        if output.get(field) != ideal.get(field):
            return "wrong " + {"requestedAction": "action", "orderId": "order id"}.get(field, field)
    return None


def contains_pii(text):
    """An e-mail address or a phone number in one of the formats phone() writes."""
    return "@" in text or re.search(r"\+\d|\(\d{3}\)|\b555-|\b020 7946", text) is not None


def normalise(text):
    return re.sub(r"\s+", " ", text.strip()).lower()


def check_ideal(text, ideal):
    """Every ideal value is readable from the ticket, so a trained tagger can learn it."""
    lower = normalise(text)
    assert set(ideal) <= set(USE_CASE["outputSchema"]["properties"]), ideal
    assert ideal["requestedAction"] in ACTIONS and ideal["urgency"] in URGENCIES
    if "orderId" in ideal:
        assert re.match(ORDER_ID_PATTERN, ideal["orderId"]) and ideal["orderId"].lower() in lower, (text, ideal)
    if "product" in ideal:
        assert ideal["product"].lower() in lower, (text, ideal)
    if "currency" in ideal:
        assert "amount" in ideal and ideal["currency"] in CURRENCIES
    assert "@" not in json.dumps(ideal), ideal


def generate():
    rows = []
    for i in range(1, 1001):
        if rows and rng.random() < 0.04:  # a resubmitted ticket, sometimes with different case or spacing
            original = rng.choice(rows)
            text = rng.choice([original["input"], original["input"].upper(), "  " + original["input"].replace(" ", "  ")])
            ideal = original["trueOutput"]
        else:
            action = ACTIONS[(i + rng.randint(0, 1)) % len(ACTIONS)] if rng.random() < 0.5 else rng.choice(ACTIONS)
            text, ideal = ticket(action, rng.random() < 0.15)
            check_ideal(text, ideal)
        output = mediocre_output(text, ideal)
        if rng.random() < 0.15:
            feedback = None
        elif output == ideal:
            feedback = {"rating": 1, "correctedOutput": None, "comment": None}
        elif rng.random() < 0.1:
            feedback = {"rating": -1, "correctedOutput": None, "comment": rng.choice(["wrong", "fields are off", None])}
        else:
            feedback = {"rating": -1, "correctedOutput": ideal,
                        "comment": rng.choice([None, None, "fixed the fields", correction_comment(output, ideal)])}
        rows.append({"id": "int-%05d" % i, "user": "customer-%03d" % rng.randint(1, 400), "input": text,
                     "output": output, "trueOutput": ideal, "feedback": feedback})

    few_shot_texts = {normalise(s["input"]) for s in FEW_SHOT}
    assert not few_shot_texts & {normalise(r["input"]) for r in rows}, "a few-shot input occurs in the interactions"
    seen = {normalise(r["input"]) for r in rows} | few_shot_texts
    evals = []
    for action in ACTIONS:
        n = 0
        while n < 30:
            text, ideal = ticket(action, False)
            if normalise(text) in seen:
                continue
            check_ideal(text, ideal)
            seen.add(normalise(text))
            evals.append({"input": text, "expected": ideal})
            n += 1
    return rows, evals


def render(rows, evals):
    def pretty(value):
        return json.dumps(value, indent=2, ensure_ascii=False) + "\n"

    def lines(items):
        return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)

    return {"use-case.json": pretty(USE_CASE), "prompts.json": pretty(PROMPTS),
            "eval-set.jsonl": lines(evals), "interactions.jsonl": lines(rows)}


def print_statistics(rows, evals):
    def absence(objects):
        return {f: round(sum(f not in o for o in objects) / len(objects), 3)
                for f in ("orderId", "product", "amount", "currency")}

    print("interactions:", len(rows), "eval set:", len(evals))
    print("field absence, interactions:", absence([r["trueOutput"] for r in rows]))
    print("field absence, eval set:", absence([e["expected"] for e in evals]))
    print("requestedAction:", dict(Counter(r["trueOutput"]["requestedAction"] for r in rows)))
    print("urgency:", dict(Counter(r["trueOutput"]["urgency"] for r in rows)))
    print("with PII:", sum(1 for r in rows if contains_pii(r["input"])))
    print("duplicates:", len(rows) - len({normalise(r["input"]) for r in rows}))
    feedback = Counter("none" if r["feedback"] is None else "up" if r["feedback"]["rating"] == 1
                       else "down+correction" if r["feedback"]["correctedOutput"] else "down" for r in rows)
    print("feedback:", dict(feedback))
    print("prompt-only output, strict record match:",
          round(sum(r["output"] == r["trueOutput"] for r in rows) / len(rows), 3))
    fields = ("orderId", "product", "amount", "currency", "requestedAction", "urgency")
    print("prompt-only output, per-field accuracy:",
          {f: round(sum(r["output"].get(f) == r["trueOutput"].get(f) for r in rows) / len(rows), 3) for f in fields})
    violations = sum(1 for r in rows if isinstance(r["output"].get("amount"), str)
                     or ("orderId" in r["output"] and not re.match(ORDER_ID_PATTERN, r["output"]["orderId"])))
    print("prompt-only outputs violating the schema:", violations)


def main():
    rows, evals = generate()
    print_statistics(rows, evals)
    files = render(rows, evals)
    if "--check" in sys.argv:
        differing = []
        for name, content in files.items():
            path = os.path.join(OUT, name)
            if not os.path.exists(path) or open(path, "rb").read() != content.encode("utf-8"):
                differing.append(name)
        print("differs from a fresh generation:" if differing else "byte-identical:",
              ", ".join(differing or files))
        sys.exit(1 if differing else 0)
    os.makedirs(OUT, exist_ok=True)
    for name, content in files.items():
        with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(content)


if __name__ == "__main__":
    main()
