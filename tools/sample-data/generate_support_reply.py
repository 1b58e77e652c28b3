#!/usr/bin/env python3
"""Generates the synthetic sample use case "support reply" (no network, standard library only).

Task kind GENERATION: a support ticket -> the reply to send. Each ticket has exactly one right reply among 25
macros (canned replies, 3-4 sentences each); the ideal output is that macro's text after a greeting, "Hi <first
name>," when the ticket is signed with a first name and "Hello," otherwise, so it follows from the input alone.
Several macros answer confusable tickets (refund issued / not eligible / how to return, shipping delay / lost
parcel / tracking, cancel in time / too late / subscription, ...), so raw similarity picks the wrong one often.
Writes into src/main/resources/sample/support-reply/:
  use-case.json       key, name, description, task "GENERATION", targets, the contract (rubric: pass/fail criteria
                      a judge applies to a reply) and the scorers to run
  prompts.json        prompt versions as chat templates: five PROTOTYPE versions a team would iterate (terse, with
                      reply guidelines, with 2 and 5 few-shot turns, then reworded) and one short FINE_TUNED one
  eval-set.jsonl      175 tickets {"input", "expected": <reply text>} (7 per macro), disjoint from the
                      interactions and from the few-shot examples
  interactions.jsonl  1,000 production interactions {"id", "user", "input", "output": the reply a mediocre
                      prompt-only model sent (a plausible, often wrong macro), "trueOutput": the ideal reply,
                      "feedback": null | {"rating": 1 | -1, "correctedOutput": <ideal reply> | null, "comment"}};
                      a correction and the model's reply make a preference pair; ~15% of tickets contain an e-mail
                      address or phone number (never in any reply), ~4% are resubmitted duplicates

All text is synthetic, made from templates and slot values with a fixed seed: the output is byte-identical on
every run. Run from the repository root:
  python3 tools/sample-data/generate_support_reply.py          writes the files and prints statistics
  python3 tools/sample-data/generate_support_reply.py --check  writes nothing; exits 1 unless the files on disk
                                                               are byte-identical to a fresh generation
"""
import json
import os
import random
import re
import sys
from collections import Counter, defaultdict

OUT = os.path.join("src", "main", "resources", "sample", "support-reply")
rng = random.Random(20261208)
MAX_REPLY_CHARS = 1200

USE_CASE = {
    "key": "support-reply",
    "name": "Support reply",
    "description": "Write the reply to a customer support ticket: the right answer for the customer's situation, "
                   "in the support team's polite house style.",
    "task": "GENERATION",
    "targetQuality": 0.9,
    "minLabelledExamples": 200,
    "plateauDelta": 0.02,
    "rubric": [
        {"name": "addresses-the-request",
         "criterion": "The reply answers the problem the customer raised in the ticket, not a different one."},
        {"name": "right-policy",
         "criterion": "The reply gives the next step or policy that fits the customer's situation as the ticket "
                      "describes it (for example a refund already issued versus a purchase outside the refund "
                      "window) and does not contradict the ticket."},
        {"name": "polite-tone",
         "criterion": "The reply is polite and empathetic and does not blame the customer."},
        {"name": "no-personal-data",
         "criterion": "The reply does not repeat the customer's e-mail address, phone number or payment details."},
        {"name": "no-invented-details",
         "criterion": "The reply does not invent order numbers, amounts or dates that are not in the ticket."},
        {"name": "concise",
         "criterion": "The reply is at most five sentences after the greeting and tells the customer what happens "
                      "next."},
    ],
    "scorers": [{"type": "similar", "threshold": 0.9}, {"type": "rouge-l"}, {"type": "chrf"},
                {"type": "max-length", "max": MAX_REPLY_CHARS}],
}

MACROS = {
    "refund-issued":
        "Thank you for your patience. Your refund has already been issued to your original payment method. "
        "Depending on your bank, it can take 5 to 10 business days to appear on your statement. If it still "
        "hasn't arrived after that, reply to this message and our payments team will trace it for you.",
    "refund-not-eligible":
        "Thank you for getting in touch about a refund. I'm sorry, but this purchase is outside our 30-day "
        "refund window, so we are unable to refund it. If the item is faulty, it may still be covered by the "
        "warranty, and we'd be glad to help you start a claim.",
    "return-instructions":
        "Happy to help you send that back. Start the return under Orders in your account by choosing \"Return "
        "an item\", and we'll email you a prepaid shipping label. As soon as the parcel reaches our warehouse, "
        "your money is paid back within 3 business days.",
    "damaged-item-replacement":
        "I'm so sorry your item arrived damaged. We're sending you a replacement free of charge, and you'll get "
        "a tracking link as soon as it ships. There's no need to return the damaged one.",
    "wrong-item-received":
        "I apologise for the mix-up with your parcel. The item you actually ordered is being dispatched to you "
        "today at no extra cost. We've also emailed you a prepaid label so you can send back the one you "
        "received by mistake.",
    "warranty-claim":
        "I'm sorry to hear your product has stopped working. It is still covered by our two-year warranty, so "
        "we can repair or replace it for you. Please fill in the warranty form linked in this email and attach "
        "a photo of the fault, and we'll get back to you within 2 business days.",
    "shipping-delay":
        "Thank you for bearing with us. Your parcel has been held up at our carrier's sorting centre, and the "
        "updated delivery estimate is shown on your tracking page. We're sorry for the wait and will let you "
        "know if anything changes.",
    "tracking-info":
        "You can follow your order at any time: open Orders in your account and select \"Track package\". The "
        "same tracking link is in your shipping confirmation email. Please allow up to 24 hours after dispatch "
        "for the first tracking update to show.",
    "lost-package":
        "I'm sorry your parcel hasn't reached you even though it shows as delivered. Carriers sometimes leave "
        "parcels with a neighbour or in a safe place, so please check around your property first. If it "
        "doesn't turn up within 48 hours, reply here and we'll open an investigation with the carrier and send "
        "you a replacement or a refund.",
    "address-change":
        "Thanks for letting us know. We've updated the delivery address on your order, and a confirmation email "
        "is on its way to you. If the parcel had already left our warehouse, we'll ask the carrier to redirect "
        "it instead.",
    "cancel-order-confirmation":
        "Your order has been cancelled, and you won't be charged for it. If a payment was already taken, it "
        "will go back to your original payment method within 5 business days. We hope to see you again soon.",
    "cancel-order-too-late":
        "I'm sorry, but your order has already shipped, so we can no longer cancel it. When it arrives, you can "
        "refuse the delivery or send it back with the free return label from your account. Your refund will "
        "follow as soon as the parcel is back with us.",
    "subscription-cancelled":
        "We've cancelled your subscription, and it will not renew. You keep full access until the end of your "
        "current billing period, and no further payments will be taken. You can restart your plan at any time "
        "from your account settings.",
    "reset-password":
        "To reset your password, go to the sign-in page and click \"Forgot password\". We'll email you a reset "
        "link that stays valid for 60 minutes; if it doesn't arrive within a few minutes, please check your spam "
        "folder. If the link expires, simply request a new one.",
    "account-locked":
        "For your protection, your account was locked for a short while after several unsuccessful sign-in "
        "attempts. The lock lifts automatically after 30 minutes, and you can then sign in as usual. If you're "
        "unsure of your password, use \"Forgot password\" rather than trying again.",
    "two-factor-reset":
        "I understand you can no longer get your two-factor codes. For your security, we need to confirm your "
        "identity before we can switch two-factor authentication off, so please follow the verification link "
        "we've just emailed you. Once that's done, you can sign in and set up your new device.",
    "invoice-copy":
        "You can download any of your invoices under Billing > Invoices in your account. We've also emailed a "
        "copy of the invoice to the address on your account. If you need a company name or VAT number on it, "
        "reply with the details and we'll reissue it.",
    "double-charge":
        "I'm sorry for the worry the extra charge has caused. What you're seeing is a temporary authorisation "
        "hold rather than a second payment, and your bank releases it automatically within 3 to 5 business "
        "days. If both charges are still there after that, reply here and we'll refund the duplicate straight "
        "away.",
    "payment-declined":
        "I'm sorry your payment didn't go through. Declines usually come from the card issuer, so please check "
        "that the billing address and expiry date match your card, or give your bank a call. You can also try "
        "another card or PayPal at checkout.",
    "update-payment-method":
        "You can change the card we charge whenever you like under Billing > Payment methods in your account. "
        "Add the new card, make it your default, and remove the old one if you wish. Your next payment will be "
        "taken from the new card.",
    "promo-code-not-applied":
        "Thanks for pointing out the missing discount, and sorry about that. I've checked your order and "
        "credited back the difference the promo code should have taken off. It will show on your statement "
        "within a few business days.",
    "data-deletion":
        "We've received your request to delete your personal data. Your account and the data linked to it will "
        "be erased within 30 days, as data protection law requires, and we'll email you once it's done. Please "
        "note that we have to keep invoices for tax purposes.",
    "bug-report-acknowledged":
        "Thank you for reporting this, and sorry for the trouble it's causing. I've passed the details to our "
        "engineering team, who are looking into it now. We'll let you know as soon as a fix is released.",
    "feature-request-thanks":
        "Thank you for the suggestion! I've shared it with our product team, who review customer ideas every "
        "month. We can't promise if or when it will be built, but requests like yours shape our roadmap.",
    "out-of-stock":
        "Thank you for your interest in this item. It's currently out of stock, and we expect new stock within "
        "2 to 3 weeks. Click \"Notify me\" on the product page and we'll email you the moment it's available.",
}

SLOTS = {
    "product": ["blender", "standing desk", "espresso machine", "running shoes", "yoga mat", "keyboard", "monitor",
                "air purifier", "backpack", "smart watch", "desk lamp", "office chair", "robot vacuum", "headphones"],
    "amount": ["$12.99", "$49", "€120", "£35.50", "$240", "€9.99", "$75", "£18", "$310.40"],
    "order": ["#48213", "#55102", "#30917", "A-77120", "#61884", "B-20455", "#99031", "#12650", "C-44017"],
    "date": ["March 3rd", "last Tuesday", "the 14th", "yesterday", "two weeks ago", "June 1", "Friday"],
    "city": ["Lisbon", "Toronto", "Osaka", "Nairobi", "Manchester", "Lyon", "Austin", "Krakow"],
    "courier": ["DHL", "UPS", "The local post", "FedEx", "The courier", "DPD"],
    "platform": ["Chrome", "Safari on my iPhone", "Firefox", "the Android app", "Edge", "my iPad"],
    "feature": ["order history page", "wishlist", "checkout button", "review form", "size filter"],
    "plan": ["monthly", "annual", "Plus", "Premium"],
}

TEMPLATES = {
    "refund-issued": [
        "I got an email saying my refund was approved, but I don't see the money yet.",
        "You confirmed my refund for order {order} on {date}, when will it reach my card?",
        "My return was accepted a few days ago, how long until the {amount} is back on my account?",
        "Your system says refund processed but my bank shows nothing.",
        "Was my refund actually sent? The status has said completed since {date}.",
        "How long does it take for the refund you issued to appear on my statement?",
        "My refund for the {product} shows as issued, but my card hasn't been credited.",
        "Still waiting for the {amount} you refunded {date}.",
    ],
    "refund-not-eligible": [
        "I bought the {product} four months ago and I'd like my money back.",
        "I've used the {product} since last year but I don't like it anymore, refund please.",
        "Can I still get a refund for order {order}? I purchased it back in January.",
        "I want a refund for something I bought 3 months ago, it's just not for me.",
        "It's been about 60 days since I got the {product}, can I return it for a refund?",
        "I missed the return deadline but I'd still like a refund of {amount}.",
        "Refund please for the {product} I've had since last summer.",
    ],
    "return-instructions": [
        "How do I return the {product}? It arrived yesterday and doesn't fit.",
        "I'd like to send back order {order}, what's the process?",
        "Do I need a label to return the {product}? I got it last week.",
        "The {product} isn't what I expected, how can I return it and get my money back?",
        "Where do I start a return for something I received {date}?",
        "Can I return an unopened {product} I bought a few days ago?",
        "Is return shipping free? I want to send back the {product}.",
    ],
    "damaged-item-replacement": [
        "The {product} arrived with a cracked casing.", "My parcel came crushed and the {product} inside is broken.",
        "Order {order} was damaged in transit, the box was soaked.",
        "The {product} was shattered when I opened the box.", "The {product} was dented on arrival.",
        "Item arrived scratched and bent, order {order}.",
        "The glass on the {product} was smashed when it was delivered {date}.",
    ],
    "wrong-item-received": [
        "I ordered the {product} but received a {other} instead.", "Wrong item in my parcel for order {order}.",
        "You sent me the wrong size of the {product}.",
        "The box had somebody else's order in it, not my {product}.",
        "I got a {other} instead of the {product}, please fix this.",
        "Order {order} contains a completely different product from what I paid for.",
        "The colour of the {product} I received isn't the one I ordered.",
    ],
    "warranty-claim": [
        "My {product} stopped working after eight months.", "The {product} I bought last year won't turn on anymore.",
        "After a year of use the {product} makes a grinding noise and shuts off.",
        "Is my {product} still under warranty? It broke after 14 months.",
        "The battery of my {product} died after ten months of normal use.",
        "My {product} has been faulty since last month, I bought it about a year ago.",
    ],
    "shipping-delay": [
        "My order {order} was due {date} and still hasn't arrived.", "Why is delivery of the {product} taking so long?",
        "The estimated delivery date for {order} passed two days ago.",
        "It's been 10 days and my order is still in transit.", "My parcel seems stuck at the sorting centre in {city}.",
        "Delivery keeps getting pushed back for order {order}.", "You promised delivery by {date}, what happened?",
    ],
    "tracking-info": [
        "How can I track my order {order}?", "Where do I find the tracking number for the {product}?",
        "Is there a tracking link for my parcel?",
        "I never got a shipping confirmation email with tracking for {order}.",
        "How do I see where my package is right now?", "Can you send me the tracking details for my order from {date}?",
    ],
    "lost-package": [
        "Tracking says delivered but there is no parcel at my door.",
        "{courier} marked order {order} as delivered {date}, I never received it.",
        "My package shows delivered but it's not here, not with the neighbours either.",
        "The app says my {product} was handed over, but nobody here got it.",
        "Delivered status since {date}, yet no parcel anywhere.", "The driver claims he left the parcel, I have nothing.",
    ],
    "address-change": [
        "I need to change the delivery address for order {order}.",
        "Can you send the {product} to my work address instead?",
        "I moved last week, please update the shipping address on my order.",
        "I typed the wrong house number on order {order}.",
        "Please deliver to my new address, the order hasn't shipped yet.",
        "Wrong postcode on my order from {date}, can you fix it?",
    ],
    "cancel-order-confirmation": [
        "Please cancel order {order}, I placed it by mistake.", "I'd like to cancel the {product} I ordered an hour ago.",
        "Cancel my order from {date}, I no longer need it.", "I ordered the {product} twice, please cancel one.",
        "Can you cancel order {order} before it's packed?", "I changed my mind, please cancel my order.",
    ],
    "cancel-order-too-late": [
        "I want to cancel order {order} but it says dispatched.",
        "Can I still cancel the {product}? The email says it has shipped.",
        "Please cancel my order, I know it's already on its way.",
        "The {product} shipped yesterday but I don't want it anymore, cancel please.",
        "Order {order} is in transit, can you stop it? I want to cancel.",
        "Too late to cancel? My order has a tracking number already.",
    ],
    "subscription-cancelled": [
        "Please cancel my subscription.", "I want to stop my {plan} plan, don't renew it.",
        "Turn off auto-renewal on my membership.", "End my {plan} subscription at the end of this period.",
        "How do I cancel my plan? I don't want to be charged again.", "Cancel my membership, I'm not using it.",
    ],
    "reset-password": [
        "I forgot my password.", "How do I reset my password?", "The password reset email never arrived.",
        "My reset link has expired, what now?", "I can't remember my password on {platform}.",
        "I need a new password, the old one doesn't work.",
    ],
    "account-locked": [
        "My account is locked after too many login attempts.", "It says my account is temporarily locked.",
        "I tried my password a few times and now I'm locked out.",
        "Locked out of my account since this morning, 'too many attempts'.",
        "Why is my account blocked? I only typed my password wrong a couple of times.",
    ],
    "two-factor-reset": [
        "I lost my phone and can't get my two-factor codes.", "My authenticator app was wiped, I can't sign in.",
        "I got a new phone and the 2FA codes no longer work.",
        "The verification code goes to my old number, which I no longer have.",
        "How do I disable two-factor authentication? My device was stolen.",
    ],
    "invoice-copy": [
        "Can I get a copy of my invoice for order {order}?", "I need the invoice for my {amount} payment for accounting.",
        "Where can I download my invoices?", "Please resend the receipt for my order from {date}.",
        "Our finance team needs an invoice with our VAT number.", "I lost the invoice for the {product}.",
    ],
    "double-charge": [
        "I was charged twice for order {order}.", "My card shows two payments of {amount} for the same order.",
        "Why is there a second charge of {amount} on my statement?", "You billed me twice for the {product}.",
        "There's a duplicate charge on my card from {date}.",
    ],
    "payment-declined": [
        "My card keeps getting declined at checkout.", "Payment failed for the {product}, but the card works elsewhere.",
        "Why was my payment of {amount} rejected?", "Checkout says 'payment declined' every time.",
        "I can't pay, the order fails at the payment step.",
    ],
    "update-payment-method": [
        "How do I change the card you charge?", "My card expired, how do I add a new one?",
        "I want to pay with a different card from now on.", "Please update my payment method to my new card.",
        "Where can I remove my old credit card from the account?",
    ],
    "promo-code-not-applied": [
        "My discount code wasn't applied to order {order}.", "I entered a promo code but paid the full {amount}.",
        "The 20% coupon didn't work at checkout.",
        "I was supposed to get a discount on the {product} but paid the normal price.",
        "The voucher code from your newsletter wasn't taken off my total.",
    ],
    "data-deletion": [
        "Please delete all my personal data.", "I want my account and all my data erased.",
        "Under GDPR, remove everything you store about me.", "Close my account and delete my information.",
        "Erase my data, I don't want you keeping it.",
    ],
    "bug-report-acknowledged": [
        "The {feature} shows an error every time I click it.", "The app crashes when I open my order history.",
        "I can't add the {product} to my basket, the button does nothing.",
        "Your website shows a blank page at checkout on {platform}.",
        "The search bar returns no results even for products you sell.",
        "The page freezes when I try to write a review.",
    ],
    "feature-request-thanks": [
        "Could you add a dark mode to the app?", "It would be great to have a wishlist I can share.",
        "Please add Apple Pay as a payment option.", "I'd love to be able to schedule deliveries for a specific day.",
        "Can you add a size guide to the product pages?", "Suggestion: let us save several delivery addresses.",
    ],
    "out-of-stock": [
        "When will the {product} be back in stock?", "The {product} has been sold out for weeks, any restock date?",
        "Is the {product} coming back? It says unavailable.", "Can you tell me when you'll have the {product} again?",
        "I wanted to buy the {product} but it's out of stock.",
    ],
}

# Macros a prompt-only model mixes up with each macro: same topic, different situation.
CONFUSABLE = {
    "refund-issued": ["refund-not-eligible", "return-instructions", "double-charge"],
    "refund-not-eligible": ["refund-issued", "return-instructions", "warranty-claim"],
    "return-instructions": ["refund-issued", "refund-not-eligible", "wrong-item-received"],
    "damaged-item-replacement": ["wrong-item-received", "warranty-claim", "return-instructions"],
    "wrong-item-received": ["damaged-item-replacement", "return-instructions"],
    "warranty-claim": ["damaged-item-replacement", "refund-not-eligible", "bug-report-acknowledged"],
    "shipping-delay": ["tracking-info", "lost-package"],
    "tracking-info": ["shipping-delay", "lost-package"],
    "lost-package": ["shipping-delay", "tracking-info"],
    "address-change": ["tracking-info", "shipping-delay"],
    "cancel-order-confirmation": ["cancel-order-too-late", "subscription-cancelled"],
    "cancel-order-too-late": ["cancel-order-confirmation", "return-instructions"],
    "subscription-cancelled": ["cancel-order-confirmation", "data-deletion"],
    "reset-password": ["account-locked", "two-factor-reset"],
    "account-locked": ["reset-password", "two-factor-reset"],
    "two-factor-reset": ["reset-password", "account-locked"],
    "invoice-copy": ["double-charge", "update-payment-method"],
    "double-charge": ["refund-issued", "payment-declined", "promo-code-not-applied"],
    "payment-declined": ["update-payment-method", "double-charge"],
    "update-payment-method": ["payment-declined", "invoice-copy"],
    "promo-code-not-applied": ["double-charge", "refund-issued"],
    "data-deletion": ["subscription-cancelled"],
    "bug-report-acknowledged": ["feature-request-thanks"],
    "feature-request-thanks": ["bug-report-acknowledged"],
    "out-of-stock": ["shipping-delay", "feature-request-thanks"],
}
# How often each situation comes up in production (parcels and refunds more than data requests).
WEIGHTS = {"refund-issued": 6, "refund-not-eligible": 4, "return-instructions": 5, "damaged-item-replacement": 4,
           "wrong-item-received": 3, "warranty-claim": 3, "shipping-delay": 6, "tracking-info": 5, "lost-package": 4,
           "address-change": 3, "cancel-order-confirmation": 4, "cancel-order-too-late": 3,
           "subscription-cancelled": 4, "reset-password": 5, "account-locked": 3, "two-factor-reset": 2,
           "invoice-copy": 4, "double-charge": 4, "payment-declined": 3, "update-payment-method": 2,
           "promo-code-not-applied": 3, "data-deletion": 2, "bug-report-acknowledged": 3,
           "feature-request-thanks": 2, "out-of-stock": 3}

OPENERS = ["", "", "", "Hi, ", "Hello team, ", "Hey, ", "Good morning. ", "Hi there! ", "Dear support, ",
           "Quick question. ", "Sorry to bother you, ", "Third time writing: "]
FILLERS = ["", "", "", "", " I've tried twice already.", " This is really frustrating.", " Thanks in advance.",
           " Please help asap.", " Nobody answered my last message.", " I've been a customer for years."]
NAMES = ["Priya", "Jonas", "Maria", "Sam", "Tom", "Amara", "Yuki", "Liam", "Fatima", "Oscar"]
SIGNATURES = [" - {name}", " Best, {name}", " Thanks, {name}", " Cheers, {name}", " Regards, {name}"]
UNSIGNED_CLOSERS = ["", "", "", " Thanks", " Regards", " Thank you!", " ??"]
SIGNATURE_NAME = re.compile(r"(?: - | Best, | Thanks, | Cheers, | Regards, )([A-Z][a-z]+)$")

FIRST = ["maria", "li", "tom", "amara", "jonas", "priya", "oscar", "yuki", "fatima", "liam", "sofia", "dev"]
LAST = ["lopez", "chen", "okafor", "schmidt", "patel", "nguyen", "silva", "kowalski", "brown", "haddad"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "example.co.uk"]


def reply(macro, ticket_text):
    """The macro's text after a greeting that uses the first name the ticket is signed with, if any."""
    signed = SIGNATURE_NAME.search(ticket_text.strip())
    greeting = "Hi %s," % signed.group(1) if signed else "Hello,"
    return greeting + "\n\n" + MACROS[macro]


# Hand-written few-shot turns for the prompts; generate() checks none of them occurs among the generated tickets.
FEW_SHOT_TICKETS = [
    ("Hi, the refund for my kettle was confirmed last Monday but my card still shows nothing. Thanks, Maria",
     "refund-issued"),
    ("I bought these trainers in February and wore them twice, can I have my money back?", "refund-not-eligible"),
    ("My parcel was supposed to come on Wednesday and the tracking page hasn't moved since. - Tom",
     "shipping-delay"),
    ("I typed my password wrong five times and now it says I must wait before trying again.", "account-locked"),
    ("Hello, I'd like to cancel the lamp I ordered this morning, it hasn't been sent yet. Cheers, Yuki",
     "cancel-order-confirmation"),
]
FEW_SHOT = [{"input": text, "output": reply(macro, text)} for text, macro in FEW_SHOT_TICKETS]

SYSTEM_TERSE = "You are a customer support agent. Write a short, polite reply to the customer's ticket."
SYSTEM_GUIDELINES = (
    "You are a customer support agent for an online shop. Reply to the customer's ticket in three or four "
    "sentences, after a greeting: \"Hi <first name>,\" when the customer signs with a first name, otherwise "
    "\"Hello,\".\n"
    "Policies: refunds go back to the original payment method and take 5 to 10 business days to appear once "
    "issued; purchases can be refunded within 30 days; the two-year warranty covers faults after that; damaged "
    "items are replaced free of charge; orders can be cancelled until they ship; subscriptions stay active until "
    "the end of the billing period; a second charge is usually an authorisation hold released within 3 to 5 "
    "business days; data deletion takes up to 30 days.\n"
    "Be polite and empathetic, say what happens next, never repeat e-mail addresses, phone numbers or card "
    "details, and never invent order numbers, amounts or dates.")
SYSTEM_FINE_TUNED = "Reply to the customer's support ticket."
SYSTEM_REWORDED = "\nChoose the wording of the policy that fits the ticket best."


def prompt(system, few_shot):
    return {"purpose": "PROTOTYPE", "spec": {
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": "{{input}}"}],
        "fewShot": few_shot, "settings": {"temperature": 0, "maxTokens": 300}, "responseFormat": "text"}}


# the last iteration only rewords the instruction: it gains nothing, so prompting has plateaued
PROMPTS = [prompt(SYSTEM_TERSE, []), prompt(SYSTEM_GUIDELINES, []), prompt(SYSTEM_GUIDELINES, FEW_SHOT[:2]),
           prompt(SYSTEM_GUIDELINES, FEW_SHOT), prompt(SYSTEM_GUIDELINES + SYSTEM_REWORDED, FEW_SHOT),
           dict(prompt(SYSTEM_FINE_TUNED, []), purpose="FINE_TUNED")]


def fill(template, product):
    values = {name: rng.choice(options) for name, options in SLOTS.items()}
    values["product"] = product
    values["other"] = rng.choice([p for p in SLOTS["product"] if p != product])
    return template.format(**values)


def phone():
    d = lambda n: "".join(str(rng.randint(0, 9)) for _ in range(n))
    return rng.choice([
        "+44 20 7946 " + d(4), "(415) 555-0" + d(3), "555-867-" + d(4), "+1-202-555-0" + d(3),
        "+49 30 5550 " + d(4), "020 7946 " + d(4)])


def email():
    return rng.choice(FIRST) + rng.choice([".", "_", ""]) + rng.choice(LAST) + rng.choice(["", str(rng.randint(1, 99))]) \
        + "@" + rng.choice(DOMAINS)


def contains_pii(text):
    """An e-mail address or a phone number in one of the formats phone() writes."""
    return "@" in text or re.search(r"\+\d|\(\d{3}\)|\b555-|\b020 7946", text) is not None


def ticket(macro, with_pii):
    product = rng.choice(SLOTS["product"])  # one product per ticket, also when it has two sentences
    text = rng.choice(OPENERS) + fill(rng.choice(TEMPLATES[macro]), product) + rng.choice(FILLERS)
    if rng.random() < 0.25:  # a second sentence about the same situation makes longer, rambling tickets
        text += " " + fill(rng.choice(TEMPLATES[macro]), product)
    if with_pii:
        text += rng.choice([" You can reach me at {e}.", " My email is {e}.", " Call me on {p}.",
                            " Contact: {e} / {p}.", " Please ring {p} after 5pm."]).format(e=email(), p=phone())
    if rng.random() < 0.35:
        text += rng.choice(SIGNATURES).format(name=rng.choice(NAMES))
    else:
        text += rng.choice(UNSIGNED_CLOSERS)
    return text


def mediocre_macro(macro):
    """The macro a prompt-only model picks: right a bit over half the time, otherwise mostly a confusable one."""
    if rng.random() < 0.55:
        return macro
    if rng.random() < 0.8:
        return rng.choice(CONFUSABLE[macro])
    return rng.choice([m for m in MACROS if m != macro])


def normalise(text):
    return re.sub(r"\s+", " ", text.strip()).lower()


def macro_of(reply_text):
    return next(m for m, body in MACROS.items() if reply_text.endswith(body))


def generate():
    macros = list(MACROS)
    weights = [WEIGHTS[m] for m in macros]
    rows = []
    for i in range(1, 1001):
        if rows and rng.random() < 0.04:  # a resubmitted ticket, sometimes with different case or spacing
            original = rng.choice(rows)
            text = rng.choice([original["input"], original["input"].upper(), "  " + original["input"].replace(" ", "  ")])
            macro = macro_of(original["trueOutput"])
            signed_as = original["input"]  # the greeting follows the original, not its upper-cased or spaced copy
        else:
            macro = rng.choices(macros, weights)[0]
            text = ticket(macro, rng.random() < 0.15)
            signed_as = text
        ideal = reply(macro, signed_as)
        chosen = mediocre_macro(macro)
        output = reply(chosen, signed_as)
        if rng.random() < 0.15:
            feedback = None
        elif chosen == macro:
            feedback = {"rating": 1, "correctedOutput": None, "comment": None}
        elif rng.random() < 0.1:
            feedback = {"rating": -1, "correctedOutput": None,
                        "comment": rng.choice(["not what I asked", "unhelpful", None])}
        else:
            feedback = {"rating": -1, "correctedOutput": ideal,
                        "comment": rng.choice([None, None, "wrong macro", "should be " + macro.replace("-", " ")])}
        rows.append({"id": "int-%05d" % i, "user": "customer-%03d" % rng.randint(1, 400), "input": text,
                     "output": output, "trueOutput": ideal, "feedback": feedback})

    few_shot_texts = {normalise(text) for text, _ in FEW_SHOT_TICKETS}
    assert not few_shot_texts & {normalise(r["input"]) for r in rows}, "a few-shot input occurs in the interactions"
    seen = {normalise(r["input"]) for r in rows} | few_shot_texts
    evals = []
    for macro in macros:
        n = 0
        while n < 7:
            text = ticket(macro, False)
            if normalise(text) in seen:
                continue
            seen.add(normalise(text))
            evals.append({"input": text, "expected": reply(macro, text)})
            n += 1
    for reply_text in [r["trueOutput"] for r in rows] + [e["expected"] for e in evals]:
        assert len(reply_text) <= MAX_REPLY_CHARS and "@" not in reply_text, reply_text
    return rows, evals


def render(rows, evals):
    def pretty(value):
        return json.dumps(value, indent=2, ensure_ascii=False) + "\n"

    def lines(items):
        return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)

    return {"use-case.json": pretty(USE_CASE), "prompts.json": pretty(PROMPTS),
            "eval-set.jsonl": lines(evals), "interactions.jsonl": lines(rows)}


def words(text):
    return Counter(re.findall(r"[a-z0-9']+", text.lower()))


def overlap(a, b):
    """Cosine similarity of two bags of words."""
    dot = sum(c * b[w] for w, c in a.items())
    return dot / ((sum(c * c for c in a.values()) * sum(c * c for c in b.values())) ** 0.5 or 1)


def print_statistics(rows, evals):
    print("interactions:", len(rows), "eval set:", len(evals), "macros:", len(MACROS))
    print("macro distribution:", dict(Counter(macro_of(r["trueOutput"]) for r in rows).most_common()))
    print("macro length in characters: min", min(len(b) for b in MACROS.values()),
          "max", max(len(b) for b in MACROS.values()),
          "sentences: min", min(len(re.findall(r"[.!?](?:\s|$)", b)) for b in MACROS.values()),
          "max", max(len(re.findall(r"[.!?](?:\s|$)", b)) for b in MACROS.values()))
    bodies = {m: words(b) for m, b in MACROS.items()}
    closest = max(((overlap(bodies[a], bodies[b]), a, b) for a in MACROS for b in MACROS if a < b))
    print("most similar pair of macros (bag-of-words cosine): %.2f %s / %s" % closest)
    print("greeting with a first name:", sum(not r["trueOutput"].startswith("Hello,") for r in rows))
    print("with PII:", sum(1 for r in rows if contains_pii(r["input"])))
    print("duplicates:", len(rows) - len({normalise(r["input"]) for r in rows}))
    feedback = Counter("none" if r["feedback"] is None else "up" if r["feedback"]["rating"] == 1
                       else "down+correction" if r["feedback"]["correctedOutput"] else "down" for r in rows)
    print("feedback:", dict(feedback))
    print("prompt-only output is the right macro:",
          round(sum(macro_of(r["output"]) == macro_of(r["trueOutput"]) for r in rows) / len(rows), 3))
    # raw similarity (what an untrained selector does) against a bag of words learnt from the interactions
    raw = sum(max(MACROS, key=lambda m: overlap(words(e["input"]), bodies[m])) == macro_of(e["expected"])
              for e in evals)
    learnt = defaultdict(Counter)
    for r in rows:
        learnt[macro_of(r["trueOutput"])].update(words(r["input"]))
    trained = sum(max(MACROS, key=lambda m: overlap(words(e["input"]), learnt[m])) == macro_of(e["expected"])
                  for e in evals)
    print("eval set, reply picked by ticket-to-reply word overlap: %.3f; by nearest macro centroid of the "
          "interactions' tickets: %.3f" % (raw / len(evals), trained / len(evals)))


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
