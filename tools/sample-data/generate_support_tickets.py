#!/usr/bin/env python3
"""Generates the synthetic sample use case "support-ticket routing" (no network, standard library only).

Writes into src/main/resources/sample/support-ticket-routing/:
  labels.json         10 routing labels with descriptions (used as label descriptions in prompts)
  interactions.jsonl  production interactions: ticket text, the label a mediocre prompt-only model answered,
                      and simulated user feedback (thumbs up, or thumbs down with / without a correction);
                      ~15% contain an e-mail address or phone number, ~4% are resubmitted duplicates
  eval-set.jsonl      150 labelled tickets (15 per label), disjoint from the interactions

All text is synthetic, made from templates and slot values with a fixed seed: the output is byte-identical on
every run. Run from the repository root:  python3 tools/sample-data/generate_support_tickets.py [--check]
"""
import json
import os
import random
import re
import sys
from collections import Counter, defaultdict

OUT = os.path.join("src", "main", "resources", "sample", "support-ticket-routing")
rng = random.Random(20261124)

LABELS = {
    "billing": "Charges, invoices, prices, payment methods and failed or unexpected payments on an active account.",
    "refund": "Requests to get money back: returns, refunds not received, reimbursements and chargebacks.",
    "account_access": "The customer cannot sign in: passwords, locked accounts, two-factor codes, usernames.",
    "security": "Suspected account takeover, unrecognised activity, phishing, fraud or vulnerability reports.",
    "technical_bug": "Something in the product is broken: errors, crashes, wrong results, features not working.",
    "performance": "The product works but is slow: long load times, timeouts, lag, slow sync or reports.",
    "shipping": "Physical deliveries: where is my order, couriers, tracking, customs, damaged or lost parcels.",
    "cancellation": "Ending a subscription, plan, contract or order, or stopping automatic renewal.",
    "feature_request": "Ideas and requests for new features, integrations or improvements to the product.",
    "data_privacy": "Personal data rights: deletion, access and export requests, consent, retention, data sharing.",
}

SLOTS = {
    "product": ["the Pro plan", "the Team workspace", "my Starter subscription", "the mobile app", "the desktop app",
                "the analytics add-on", "the Business tier", "the family bundle", "the API package"],
    "amount": ["$12.99", "$49", "€120", "£35.50", "$240", "€9.99", "$1,200", "$75", "£18", "$310.40"],
    "order": ["#48213", "#55102", "#30917", "A-77120", "#61884", "B-20455", "#99031", "#12650", "C-44017"],
    "invoice": ["INV-2026-0412", "INV-2026-1187", "INV-2025-9921", "INV-2026-0733", "INV-2026-0050"],
    "date": ["March 3rd", "last Tuesday", "the 14th", "yesterday", "two weeks ago", "June 1", "last month",
             "this morning", "Friday"],
    "city": ["Lisbon", "Toronto", "Osaka", "Nairobi", "Manchester", "Lyon", "Austin", "Krakow", "Melbourne"],
    "platform": ["Chrome on Windows", "Safari on my iPhone", "Firefox", "the Android app", "Edge", "iPad",
                 "macOS Sonoma", "a Pixel 8", "Ubuntu"],
    "feature": ["the export button", "the calendar view", "the search bar", "file upload", "the report builder",
                "notifications", "the sharing dialog", "the invoice page", "the dashboard widgets", "CSV import"],
    "courier": ["DHL", "UPS", "the local post", "FedEx", "the courier", "DPD"],
    "integration": ["Slack", "Salesforce", "Google Sheets", "Zapier", "Jira", "Okta SSO", "Microsoft Teams"],
    "error": ["error 500", "a blank white screen", "'something went wrong'", "error code E-1043", "a timeout error",
              "an infinite spinner", "a 403 message"],
    "seconds": ["30 seconds", "a full minute", "over two minutes", "ages", "10+ seconds", "forever"],
}

TEMPLATES = {
    "billing": [
        "I was charged twice for {product} on {date}.", "Why did my bill go up to {amount} this month?",
        "There's a charge of {amount} on my card that I don't recognise from you.",
        "My payment keeps getting declined even though the card is valid.",
        "Invoice {invoice} has the wrong company name on it, can you reissue it?",
        "I need an invoice for {amount} for our accounts department.",
        "How do I change the credit card you bill each month?",
        "You billed me for {product} after I downgraded.", "The price shown at checkout was lower than what I paid.",
        "I'd like to switch from monthly to annual billing.", "Is VAT included in the {amount} you charged?",
        "My bank shows a pending charge of {amount} from you, what is it for?",
        "We were invoiced for 12 seats but only have 8 users.", "The discount code wasn't applied to my invoice.",
        "Can I pay by bank transfer instead of card?", "Billing says my account is overdue but I paid on {date}.",
    ],
    "refund": [
        "I returned the item on {date} and still haven't got my money back.", "Please refund {amount} for order {order}.",
        "I was promised a refund two weeks ago, where is it?", "Can I get my money back for {product}? I never used it.",
        "The product arrived broken, I want a full refund.", "I'd like a reimbursement for the months I couldn't use the service.",
        "You charged me twice, please send back the extra {amount}.", "How long do refunds take to show up on my card?",
        "I cancelled within the trial, so I expect the {amount} back.", "The refund for order {order} was only partial.",
        "My return was received by your warehouse, please process the refund.",
        "I want to return {product} and get reimbursed.", "Refund status for order {order}? It's been a month.",
        "I'll file a chargeback with my bank if the refund doesn't arrive.", "Please credit back the {amount} to my PayPal.",
    ],
    "account_access": [
        "I can't log in, it says my password is wrong.", "The password reset email never arrives.",
        "My account got locked after too many attempts.", "The two-factor code from the app is always rejected.",
        "I forgot which email I used to sign up.", "I lost my phone and can't get the verification code.",
        "Sign-in keeps sending me back to the login page on {platform}.", "I can't remember my username.",
        "The reset link says it has expired every time I click it.", "After changing my email I can't get into my account.",
        "Login with Google doesn't work anymore for me.", "It says my account is disabled, I didn't do anything.",
        "I'm stuck on the 'verify your identity' screen.", "My colleague left and we need access to her admin account.",
        "I keep getting 'invalid credentials' though I'm sure the password is right.",
    ],
    "security": [
        "Someone logged into my account from {city} and it wasn't me.", "I got an email pretending to be from you asking for my card details.",
        "My email address on the account was changed without my permission.", "I think my account has been hacked.",
        "There are orders on my account that I never placed.", "I see active sessions on devices I don't own.",
        "I want to report a security vulnerability in your website.", "I received a text with a link asking me to confirm my password.",
        "Strange purchases of {amount} appeared using my saved card.", "My API key seems to have leaked, someone is using it.",
        "Was my data part of a breach? I got a warning from my password manager.",
        "Somebody reset my password and I didn't request it.", "A fake support agent called me asking for my login code.",
        "Unknown admin user was added to our workspace last night.", "Is this email about a suspicious sign-in legit?",
    ],
    "technical_bug": [
        "{feature} shows {error} every time I click it.", "The app crashes when I open settings on {platform}.",
        "Uploading a PDF fails with {error}.", "The save button does nothing on {platform}.",
        "Totals in the report are wrong since the last update.", "{feature} is broken after today's release.",
        "I get duplicate notifications for every message.", "The page goes completely blank in {platform}.",
        "Dates are shown one day off in {feature}.", "CSV import skips half of my rows without any message.",
        "The mobile app logs me out and shows {error}.", "Clicking 'share' opens an empty dialog.",
        "Attachments disappear after I send them.", "{feature} doesn't respond to clicks at all.",
        "The numbers on the dashboard don't match the export.", "Drag and drop stopped working in {platform}.",
    ],
    "performance": [
        "The dashboard takes {seconds} to load.", "Search has become really slow this week.",
        "Pages time out during business hours.", "The app is very laggy on {platform}.",
        "Generating a report takes {seconds} now, it used to be instant.", "Sync between devices takes hours.",
        "Scrolling through the project list freezes for a few seconds.", "Everything is sluggish since {date}.",
        "Your API responses take {seconds}, our integration keeps timing out.", "{feature} loads painfully slowly.",
        "Uploads crawl at a few KB per second.", "Opening a large workspace takes {seconds}.",
        "The site is so slow in {city} that my team can't work.", "Typing in the editor has a noticeable delay.",
        "Exports used to take seconds, now they take {seconds}.",
    ],
    "shipping": [
        "Where is my order {order}? It was supposed to arrive {date}.", "{courier} says delivered but I have nothing.",
        "Tracking for order {order} hasn't updated in a week.", "My parcel is stuck in customs in {city}.",
        "The box arrived crushed and the contents are damaged.", "Can I change the delivery address for order {order}?",
        "Delivery to {city} is taking much longer than promised.", "I received someone else's package.",
        "The courier left my parcel with a neighbour I don't know.", "Only part of order {order} arrived.",
        "Do you ship to {city}?", "{courier} keeps rescheduling my delivery.",
        "The tracking number you gave me doesn't work on the {courier} site.", "My order was sent to my old address.",
        "I need the parcel before {date}, can you expedite shipping?",
    ],
    "cancellation": [
        "I want to cancel my subscription.", "Please close my account at the end of this billing period.",
        "How do I turn off automatic renewal for {product}?", "Cancel order {order} before it ships, please.",
        "We're moving to another tool, end our contract.", "I don't need {product} anymore, please stop it.",
        "Where is the button to cancel my plan?", "Terminate my membership effective {date}.",
        "Don't renew my annual plan next month.", "I'd like to cancel the add-on but keep the main plan.",
        "Stop my subscription, I'm leaving.", "Can I pause instead of cancelling {product}?",
        "Please confirm my cancellation request from {date}.", "Close all our team seats, we're shutting down.",
        "Unsubscribe me from the paid tier.",
    ],
    "feature_request": [
        "Please add a dark mode.", "It would be great to export reports to Excel.",
        "Could you add an integration with {integration}?", "Any plans for keyboard shortcuts in the editor?",
        "I'd love to be able to schedule recurring tasks.", "Please support multiple currencies on invoices.",
        "A calendar view for deadlines would help us a lot.", "Can you make {feature} customisable?",
        "We need role-based permissions for guests.", "Suggestion: let us bulk edit items.",
        "Would be nice to have an offline mode on {platform}.", "Please add two languages: Polish and Japanese.",
        "Could the API expose webhooks for new orders?", "I wish {feature} had filters.",
        "Feature idea: templates for common projects.",
    ],
    "data_privacy": [
        "Please delete all personal data you have about me.", "I want a copy of all the information you store about me.",
        "Stop sharing my data with advertising partners.", "How long do you keep my data after I close my account?",
        "Remove my phone number and address from your records.", "Who do you share my personal data with?",
        "I withdraw my consent to marketing emails and profiling.", "Under GDPR I request access to my data.",
        "Where are your servers located and is my data stored in the EU?", "Please erase my late father's account data.",
        "Send me a data export of everything linked to my email.", "Do you use my messages to train AI models?",
        "I need your data processing agreement for our company.", "Opt me out of the sale of my personal information.",
        "Correct the wrong personal details you hold about me.",
    ],
}

OPENERS = ["", "", "", "Hi, ", "Hello team, ", "Hey, ", "Good morning. ", "Urgent: ", "Hi there! ", "Dear support, ",
           "Not happy. ", "Quick question. ", "Sorry to bother you, ", "Third time writing: "]
FILLERS = ["", "", "", "", " I've tried twice already.", " This is really frustrating.", " My account is under my work email.",
           " I'm on {product}.", " It started {date}.", " Thanks in advance.", " Please help asap.",
           " I use {platform}.", " My order number is {order} if that helps.", " Nobody answered my last message."]
CLOSERS = ["", "", "", " Thanks", " Cheers, Sam", " Regards", " Thank you!", " - Priya", " Best, Jonas", " ??"]

# which wrong answer a mediocre prompt gives for each true label
CONFUSABLE = {
    "billing": ["refund", "cancellation"], "refund": ["billing", "cancellation"],
    "account_access": ["security", "technical_bug"], "security": ["account_access", "data_privacy"],
    "technical_bug": ["performance", "feature_request"], "performance": ["technical_bug"],
    "shipping": ["refund", "cancellation"], "cancellation": ["refund", "billing"],
    "feature_request": ["technical_bug"], "data_privacy": ["security", "cancellation"],
}

FIRST = ["maria", "li", "tom", "amara", "jonas", "priya", "oscar", "yuki", "fatima", "liam", "sofia", "dev"]
LAST = ["lopez", "chen", "okafor", "schmidt", "patel", "nguyen", "silva", "kowalski", "brown", "haddad"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "example.co.uk"]


def fill(template):
    return re.sub(r"\{(\w+)\}", lambda m: rng.choice(SLOTS[m.group(1)]), template)


def phone():
    d = lambda n: "".join(str(rng.randint(0, 9)) for _ in range(n))
    return rng.choice([
        "+44 20 7946 " + d(4), "(415) 555-0" + d(3), "555-867-" + d(4), "+1-202-555-0" + d(3),
        "+49 30 5550 " + d(4), "020 7946 " + d(4)])


def email():
    return rng.choice(FIRST) + rng.choice([".", "_", ""]) + rng.choice(LAST) + rng.choice(["", str(rng.randint(1, 99))]) \
        + "@" + rng.choice(DOMAINS)


def ticket(label, with_pii):
    text = rng.choice(OPENERS) + fill(rng.choice(TEMPLATES[label])) + fill(rng.choice(FILLERS))
    if rng.random() < 0.25:  # a second sentence from the same label makes longer, rambling tickets
        text += " " + fill(rng.choice(TEMPLATES[label]))
    if with_pii:
        text += rng.choice([" You can reach me at {e}.", " My email is {e}.", " Call me on {p}.",
                            " Contact: {e} / {p}.", " Please ring {p} after 5pm."]).format(e=email(), p=phone())
    return text + rng.choice(CLOSERS)


def normalise(text):
    return re.sub(r"\s+", " ", text.strip()).lower()


def main():
    labels = list(LABELS)
    rows = []
    for i in range(1, 1151):
        if rows and rng.random() < 0.04:  # a resubmitted ticket, sometimes with different case or spacing
            original = rng.choice(rows)
            text = rng.choice([original["input"], original["input"].upper(), "  " + original["input"].replace(" ", "  ")])
            label = original["trueLabel"]
        else:
            label = labels[(i + rng.randint(0, 1)) % len(labels)] if rng.random() < 0.5 else rng.choice(labels)
            text = ticket(label, rng.random() < 0.15)
        output = label if rng.random() < 0.6 else rng.choice(CONFUSABLE[label])
        roll = rng.random()
        if roll < 0.15:
            feedback = None
        elif output == label:
            feedback = {"rating": 1, "correctedOutput": None, "comment": None}
        elif rng.random() < 0.1:
            feedback = {"rating": -1, "correctedOutput": None, "comment": "wrong team"}
        else:
            feedback = {"rating": -1, "correctedOutput": label,
                        "comment": rng.choice([None, None, "should go to " + label.replace("_", " "), "misrouted"])}
        rows.append({"id": "int-%05d" % i, "user": "customer-%03d" % rng.randint(1, 400), "input": text,
                     "trueLabel": label, "output": output, "feedback": feedback})

    seen = {normalise(r["input"]) for r in rows}
    evals = []
    for label in labels:
        n = 0
        while n < 15:
            text = ticket(label, False)
            if normalise(text) in seen:
                continue
            seen.add(normalise(text))
            evals.append({"input": text, "label": label})
            n += 1

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "labels.json"), "w", encoding="utf-8") as f:
        json.dump([{"label": k, "description": v} for k, v in LABELS.items()], f, indent=2)
        f.write("\n")
    with open(os.path.join(OUT, "interactions.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "eval-set.jsonl"), "w", encoding="utf-8") as f:
        for e in evals:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")

    unique = {}
    for r in rows:
        fb = r["feedback"]
        if fb and (fb["rating"] == 1 or fb["correctedOutput"]):
            unique[normalise(r["input"])] = r
    print("interactions:", len(rows), "per label:", dict(Counter(r["trueLabel"] for r in rows)))
    print("with PII:", sum(1 for r in rows if "@" in r["input"] or re.search(r"\d{3}[- ]\d{4}", r["input"])))
    print("duplicates:", len(rows) - len({normalise(r["input"]) for r in rows}))
    print("usable after de-duplication:", len(unique))
    print("prompt-only output correct:", round(sum(r["output"] == r["trueLabel"] for r in rows) / len(rows), 3))
    if "--check" in sys.argv:
        centroids = defaultdict(Counter)
        for r in rows:
            centroids[r["trueLabel"]].update(re.findall(r"[a-z]+", r["input"].lower()))
        correct = 0
        for e in evals:
            words = Counter(re.findall(r"[a-z]+", e["input"].lower()))
            score = lambda l: sum(min(c, centroids[l][w]) / (1 + sum(centroids[l].values()) ** 0.5) for w, c in words.items())
            correct += max(labels, key=score) == e["label"]
        print("bag-of-words nearest-centroid accuracy on the eval set:", round(correct / len(evals), 3))


if __name__ == "__main__":
    main()
