#!/usr/bin/env python3
"""Runs Axolotl for one job of the command fine-tuner (docs/command-fine-tuner.md).

    lifecycle.fine-tuners.axolotl.command: [python3, axolotl_train.py, --config, /srv/trainers/axolotl.yaml,
        --train, "{dataset}", --validation, "{validation}", --base-model, "{baseModel}", --output, "{outputDir}",
        --hyperparameters, "{hyperparameters}"]

Writes the job's config next to its logs (LIFECYCLE_JOB_DIR), runs `axolotl train` on it, and turns the
Hugging Face Trainer's log lines into the JSON progress lines the app records. Current transformers prints floats
formatted as strings ({'loss': '1.234', 'epoch': '0.5', ...}); both forms are read. The step is counted from the
training log lines (logging_steps apart), as the Trainer's console line does not carry it.
Checked against the sources of Axolotl 0.18 (config keys, `axolotl train CONFIG`); not run here.
Exits with Axolotl's exit code; its stderr passes through (the app reports the last lines if it fails).
Needs: pip install axolotl (and PyYAML, which it brings).
"""
import argparse
import ast
import json
import os
import re
import subprocess
import sys

import yaml

TRAINER_LOG = re.compile(r"^\{'.*\}$")


def as_number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def main():
    parser = argparse.ArgumentParser()
    for name in ("--config", "--train", "--validation", "--base-model", "--output", "--hyperparameters"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()
    with open(args.config) as f:
        config = yaml.safe_load(f)
    with open(args.hyperparameters) as f:
        hp = json.load(f)

    config["base_model"] = args.base_model
    config["datasets"][0]["path"] = args.train
    config["test_datasets"][0]["path"] = args.validation
    config["output_dir"] = args.output
    config["num_epochs"] = hp.get("epochs", config.get("num_epochs", 3))
    config["learning_rate"] = hp.get("learningRate", config.get("learning_rate"))
    config["micro_batch_size"] = hp.get("batchSize", config.get("micro_batch_size"))
    job_config = os.path.join(os.environ.get("LIFECYCLE_JOB_DIR", "."), "axolotl-job.yaml")
    with open(job_config, "w") as f:
        yaml.safe_dump(config, f)

    logging_steps = int(config.get("logging_steps", 1))
    logged = 0
    trainer = subprocess.Popen(["axolotl", "train", job_config], stdout=subprocess.PIPE, text=True, bufsize=1)
    for line in trainer.stdout:
        line = line.strip()
        if TRAINER_LOG.match(line):
            try:
                logs = ast.literal_eval(line)
            except (ValueError, SyntaxError):
                print(line, flush=True)
                continue
            fields = {k: number for k, number in ((k, as_number(v)) for k, v in logs.items()) if number is not None}
            if "eval_loss" not in fields and "loss" in fields:
                logged += 1
            fields["step"] = logged * logging_steps
            print(json.dumps(fields), flush=True)
        else:
            print(line, flush=True)
    return trainer.wait()


if __name__ == "__main__":
    sys.exit(main())
