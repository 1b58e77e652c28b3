"""Writes tickets.jsonl: synthetic support tickets with their ideal extraction (deterministic, seed 7).

Run from this directory: python3 make_fixture.py. The output is committed; the tests read it.
"""
import json
import random

rnd = random.Random(7)

PRODUCTS = ["Pro plan", "Family bundle", "Wireless Earbuds X2", "Smart Thermostat", "4K Monitor",
            "Standing Desk", "Espresso Machine", "Trail Backpack", "Noise Cancelling Headphones",
            "Business tier", "Fitness Tracker", "Robot Vacuum", "Gaming Mouse", "Air Purifier"]
ACTIONS = {
    "refund": ["I want my money back", "please refund me", "I'd like a refund", "refund the charge please",
               "can I get a refund"],
    "replacement": ["please send a replacement", "I need a new one shipped", "can you replace it",
                    "exchange it for a working unit"],
    "cancel": ["cancel my order", "please cancel it", "I no longer want it, cancel", "stop the order"],
    "status_update": ["where is my package?", "any update on delivery?", "when will it arrive?",
                      "can you tell me the shipping status"],
}
URGENCY = {
    "high": ["URGENT:", "This is urgent.", "Please help ASAP!", "I need this fixed today.", "Third time asking!"],
    "normal": ["", "Thanks.", "Regards,", "Hi team,"],
    "low": ["No rush.", "Whenever you get a chance.", "Not urgent at all.", "Just a small thing."],
}
PROBLEMS = {
    "refund": ["I was charged {amount} twice for the {product}", "the {product} was billed at {amount} instead of the sale price",
               "I returned the {product} but the {amount} never came back", "you charged me {amount} for the {product} I cancelled"],
    "replacement": ["the {product} arrived broken", "my {product} stopped working after 2 days",
                    "the {product} I got is the wrong colour", "the {product} is missing a part"],
    "cancel": ["I ordered the {product} by mistake", "I found the {product} cheaper elsewhere",
               "I changed my mind about the {product}", "the {product} is taking too long"],
    "status_update": ["I ordered the {product} 3 weeks ago", "my {product} has not shipped yet",
                      "tracking for the {product} has not moved since Monday", "the {product} was due on the 14th"],
}
DISTRACTORS = ["I have 2 kids and no time for this.", "Call me on 555 0134 after 5.", "My account is 9 years old.",
               "I already wrote on the 3rd of May.", "Ticket 2 of 2.", ""]


def money(amount, currency):
    style = rnd.randrange(4)
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}[currency]
    text = f"{amount:,.2f}" if rnd.random() < 0.5 or amount != int(amount) else f"{int(amount):,}"
    if style == 0:
        return symbol + text
    if style == 1:
        return f"{text} {currency}"
    if style == 2:
        return f"{currency} {text}"
    return f"{symbol}{text} {currency}" if rnd.random() < 0.3 else symbol + text


def ticket():
    action = rnd.choice(list(ACTIONS))
    urgency = rnd.choices(list(URGENCY), weights=[3, 5, 2])[0]
    product = rnd.choice(PRODUCTS) if rnd.random() < 0.85 else None
    order_id = f"ORD-{rnd.randrange(10000, 99999)}" if rnd.random() < 0.8 else None
    currency = rnd.choice(["USD", "EUR", "GBP"])
    amount = round(rnd.choice([rnd.randrange(5, 2000), rnd.randrange(500, 20000) / 100]), 2)
    with_amount = action == "refund" or rnd.random() < 0.25
    problem = rnd.choice(PROBLEMS[action])
    product_text = (product if rnd.random() < 0.7 else product.lower()) if product else "item"
    money_text = money(amount, currency) if with_amount else None
    if "{amount}" in problem and not with_amount:
        problem = problem.replace(" {amount}", "")
    sentence = problem.format(product=product_text, amount=money_text or "")
    if with_amount and "{amount}" not in problem:
        sentence += f" (it cost {money_text})"
    parts = [rnd.choice(URGENCY[urgency]), sentence[0].upper() + sentence[1:] + ".",
             rnd.choice(ACTIONS[action]).capitalize() + ("." if not ACTIONS[action][0].endswith("?") else "")]
    if order_id:
        where = rnd.randrange(3)
        mention = rnd.choice(["Order {id}.", "My order number is {id}.", "Ref: {id}", "(order {id})"]).format(id=order_id)
        parts.insert(1 if where == 0 else len(parts), mention)
    parts.append(rnd.choice(DISTRACTORS))
    text = " ".join(p for p in parts if p)
    output = {"requestedAction": action, "urgency": urgency}
    if order_id:
        output["orderId"] = order_id
    if product:
        output["product"] = product
    if with_amount:
        output["amount"] = int(amount) if amount == int(amount) else amount
        output["currency"] = currency
    return {"input": text, "expected": output}


with open("tickets.jsonl", "w") as out:
    for _ in range(400):
        out.write(json.dumps(ticket(), ensure_ascii=False) + "\n")
