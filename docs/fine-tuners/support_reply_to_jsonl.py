#!/usr/bin/env python3
"""The support-reply sample's interactions as the trainer's inputs: chat JSONL for SFT, preference JSONL for DPO.

    python3 docs/fine-tuners/support_reply_to_jsonl.py \
        --interactions src/main/resources/sample/support-reply/interactions.jsonl --output /tmp/support-reply

Reads interactions.jsonl, one {"id", "user", "input", "output", "trueOutput", "feedback"} per line, where
feedback is null or {"rating", "correctedOutput", "comment"}, and picks examples as the dataset stage does:
  - SFT: the ideal output is the reviewer's correctedOutput, else the model's output when it was rated up
    (rating > 0); interactions without feedback, or rated down without a correction, are left out.
    trueOutput is the generator's ground truth, which a real deployment never has, so it is not used.
  - DPO: every correction that differs from the output is a pair, corrected = preferred, the model's original
    output = non-preferred, in OpenAI's DPO format.
An interaction goes to validation when the first byte of sha256(id) is below validation-fraction * 256, so
the split is stable and the same interaction is on the same side in both files. The system message is the
sample's FINE_TUNED prompt's (prompts.json). PII is not scrubbed here: the app's dataset stage does that. The sample's eval-set.jsonl is
the evaluation stage's held-out set and is deliberately not used for training.

Writes train.jsonl, validation.jsonl (SFT) and preference-train.jsonl, preference-validation.jsonl (DPO).
"""
import argparse
import hashlib
import json
import os
import sys

FALLBACK_SYSTEM_PROMPT = "Reply to the customer's support ticket."


def system_prompt(prompts_file):
    """The system message of the sample's FINE_TUNED prompt (prompts.json), the one the tuned model is served with."""
    if not os.path.exists(prompts_file):
        return FALLBACK_SYSTEM_PROMPT
    with open(prompts_file, encoding="utf-8") as f:
        prompts = json.load(f)
    for prompt in prompts:
        if prompt.get("purpose") == "FINE_TUNED":
            for message in prompt["spec"]["messages"]:
                if message["role"] == "system":
                    return message["content"]
    return FALLBACK_SYSTEM_PROMPT


def is_validation(interaction_id, fraction):
    return hashlib.sha256(interaction_id.encode("utf-8")).digest()[0] < fraction * 256


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", required=True)
    parser.add_argument("--output", required=True, help="directory the four JSONL files are written to")
    parser.add_argument("--system-prompt", help="default: the FINE_TUNED prompt's system message in prompts.json "
                                                "beside the interactions")
    parser.add_argument("--validation-fraction", type=float, default=0.1)
    args = parser.parse_args()
    system = args.system_prompt or system_prompt(
        os.path.join(os.path.dirname(os.path.abspath(args.interactions)), "prompts.json"))

    splits = {name: [] for name in ("train", "validation", "preference-train", "preference-validation")}
    with open(args.interactions, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            feedback = row.get("feedback") or {}
            corrected = feedback.get("correctedOutput")
            rating = feedback.get("rating") or 0
            ideal = corrected if corrected else (row["output"] if rating > 0 else None)
            side = "validation" if is_validation(row["id"], args.validation_fraction) else "train"
            prompt = [{"role": "system", "content": system}, {"role": "user", "content": row["input"]}]
            if ideal:
                splits[side].append({"messages": prompt + [{"role": "assistant", "content": ideal}]})
            if corrected and corrected.strip() != row["output"].strip():
                splits["preference-" + side].append({
                    "input": {"messages": prompt},
                    "preferred_output": [{"role": "assistant", "content": corrected}],
                    "non_preferred_output": [{"role": "assistant", "content": row["output"]}]})

    os.makedirs(args.output, exist_ok=True)
    for name, rows in splits.items():
        with open(os.path.join(args.output, name + ".jsonl"), "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(json.dumps({"message": "support-reply sample converted", **{k: len(v) for k, v in splits.items()}}))
    return 0 if splits["train"] and splits["preference-train"] else 1


if __name__ == "__main__":
    sys.exit(main())
