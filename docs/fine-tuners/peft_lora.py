#!/usr/bin/env python3
"""LoRA / QLoRA fine-tuning, SFT or DPO, with torch + transformers + peft only (docs/command-fine-tuner.md).

    lifecycle.fine-tuners.lora.command: [python3, docs/fine-tuners/peft_lora.py, --train, "{dataset}",
        --validation, "{validation}", --base-model, "{baseModel}", --output, "{outputDir}",
        --hyperparameters, "{hyperparameters}"]

Methods (--method, or the hyper-parameter "method"):
  sft  the chat JSONL of the dataset stage, {"messages": [system, user, assistant]} per line; the loss is taken on
       the assistant tokens only. The prompt is laid out by the tokenizer's chat template; a tokenizer without one
       gets the fallback layout "### System:\\n...\\n\\n### User:\\n...\\n\\n### Assistant:\\n<answer><eos>".
       The validation split is evaluated every evalSteps optimizer steps (default: each epoch); training stops
       early when the validation loss has not improved for earlyStoppingPatience evaluations, and the adapter
       of the best evaluation is the one written.
  dpo  preference JSONL in OpenAI's DPO format, one object per line:
       {"input": {"messages": [system, user]}, "preferred_output": [{"role": "assistant", "content": ...}],
        "non_preferred_output": [{"role": "assistant", "content": ...}]}
       or the flat form {"input": "<text>", "preferred_output": "<text>", "non_preferred_output": "<text>"}.
       The reference model is the base model with the adapter disabled; its log-probabilities are computed once
       before training. --validation (same format) is optional for DPO; with it, eval and early stop as for SFT.

Hyper-parameters (JSON file of lifecycle.fine-tune.hyperparameters; unknown keys are ignored, since they may be
meant for another fine-tuner): epochs 3, learningRate 2e-4, batchSize 8, gradientAccumulationSteps 1,
loraRank 16, loraAlpha 2*rank, loraDropout 0.05, targetModules "all-linear", maxLength 1024, warmupRatio 0.03,
weightDecay 0, maxGradNorm 1.0, seed 42, loggingSteps 10, evalSteps (per epoch), earlyStoppingPatience 2,
earlyStoppingMinDelta 0, maxSteps (none), beta 0.1 (DPO), loadIn4bit false, gradientCheckpointing false,
method "sft". Arguments override the file: --method, --seed, --max-steps, --load-in-4bit.

QLoRA (--load-in-4bit): 4-bit NF4 base weights through bitsandbytes, which is imported only then; without it the
trainer says so and exits 3. bf16 on a CUDA GPU, float32 on the CPU (tiny tests only).

--backend stub needs no torch (CI): it checks the arguments and reads the data exactly as the torch backend
does, then fits a word-unigram model in place of the network, so its progress lines carry real, deterministic
losses (online cross-entropy of the assistant words; for DPO the DPO loss of that model against the uniform
reference). It writes stub_model.json, not an adapter: a model registered from it serves nothing.

Out: JSON progress lines on stdout ({"step", "loss", "epoch", "learning_rate", "grad_norm", "tokens_per_second"},
evaluations with "eval_loss"), the PEFT adapter in --output (adapter_config.json, adapter_model.safetensors).
Exit codes: 0 adapter written; 1 training failed (traceback on stderr); 2 bad arguments, hyper-parameters or
data; 3 a library it needs is missing (torch, transformers, peft; bitsandbytes for QLoRA).
If VLLM_URL is set, the adapter is loaded into that vLLM server under SERVED_MODEL or LIFECYCLE_JOB_NAME.
"""
import argparse
import json
import math
import os
import random
import sys
import time
import traceback
import urllib.request
from collections import Counter

EXIT_TRAINING_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_MISSING_LIBRARY = 3

FALLBACK_HEADERS = {"system": "### System:\n", "user": "### User:\n", "assistant": "### Assistant:\n"}
FALLBACK_SEPARATOR = "\n\n"


class BadInput(Exception):
    """Arguments, hyper-parameters or data the trainer cannot use: exit 2."""


class MissingLibrary(Exception):
    """A library the requested run needs is not installed: exit 3."""


def progress(**fields):
    print(json.dumps(fields), flush=True)


# --- arguments and hyper-parameters -----------------------------------------------------------------------------

class ArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        raise BadInput(message)


def parse_arguments(argv):
    env = os.environ.get
    parser = ArgumentParser(prog="peft_lora.py", description="LoRA / QLoRA SFT or DPO for the command fine-tuner")
    parser.add_argument("--train", default=env("LIFECYCLE_DATASET"), help="training JSONL (chat or preference)")
    parser.add_argument("--validation", default=env("LIFECYCLE_VALIDATION"), help="validation JSONL")
    parser.add_argument("--base-model", default=env("LIFECYCLE_BASE_MODEL"), help="Hugging Face id or directory")
    parser.add_argument("--output", default=env("LIFECYCLE_OUTPUT_DIR"), help="directory the adapter goes to")
    parser.add_argument("--hyperparameters", default=env("LIFECYCLE_HYPERPARAMETERS"), help="JSON file")
    parser.add_argument("--method", choices=["sft", "dpo"], help="default: the hyper-parameter method, else sft")
    parser.add_argument("--backend", choices=["torch", "stub"], default="torch")
    parser.add_argument("--load-in-4bit", action="store_true", default=None, help="QLoRA (needs bitsandbytes)")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--max-steps", type=int, help="stop after this many optimizer steps")
    parser.add_argument("--device", choices=["auto", "cuda", "cpu"], default="auto")
    args = parser.parse_args(argv)
    for name in ("train", "base_model", "output"):
        if not getattr(args, name):
            raise BadInput(f"--{name.replace('_', '-')} is required (or its LIFECYCLE_ environment variable)")
    return args


def settings_from(args):
    hp = {}
    if args.hyperparameters:
        try:
            with open(args.hyperparameters, encoding="utf-8") as f:
                hp = json.load(f)
        except (OSError, ValueError) as e:
            raise BadInput(f"cannot read the hyper-parameters {args.hyperparameters}: {e}") from e
        if not isinstance(hp, dict):
            raise BadInput(f"the hyper-parameters {args.hyperparameters} are not a JSON object")

    def number(key, default, kind, minimum=None):
        value = hp.get(key, default)
        if value is None:
            return None
        try:
            value = kind(value)
        except (TypeError, ValueError) as e:
            raise BadInput(f"hyper-parameter {key}={hp.get(key)!r} is not a {kind.__name__}") from e
        if minimum is not None and value < minimum:
            raise BadInput(f"hyper-parameter {key}={value} is below {minimum}")
        return value

    def flag(key):
        value = hp.get(key, False)
        if isinstance(value, str):
            return value.lower() in ("true", "1", "yes")
        return bool(value)

    rank = number("loraRank", 16, int, 1)
    s = {
        "method": args.method or str(hp.get("method", "sft")).lower(),
        "epochs": number("epochs", 3, float, 0),
        "learning_rate": number("learningRate", 2e-4, float, 0),
        "batch_size": number("batchSize", 8, int, 1),
        "gradient_accumulation_steps": number("gradientAccumulationSteps", 1, int, 1),
        "lora_rank": rank,
        "lora_alpha": number("loraAlpha", 2 * rank, float, 0),  # a whole number is written as one (vLLM)
        "lora_dropout": number("loraDropout", 0.05, float, 0),
        "target_modules": hp.get("targetModules", "all-linear"),
        "max_length": number("maxLength", 1024, int, 8),
        "warmup_ratio": number("warmupRatio", 0.03, float, 0),
        "weight_decay": number("weightDecay", 0.0, float, 0),
        "max_grad_norm": number("maxGradNorm", 1.0, float, 0),
        "seed": args.seed if args.seed is not None else number("seed", 42, int),
        "logging_steps": number("loggingSteps", 10, int, 1),
        "eval_steps": number("evalSteps", None, int, 1),
        "patience": number("earlyStoppingPatience", 2, int, 1),
        "min_delta": number("earlyStoppingMinDelta", 0.0, float, 0),
        "max_steps": args.max_steps if args.max_steps is not None else number("maxSteps", None, int, 1),
        "beta": number("beta", 0.1, float, 0),
        "load_in_4bit": args.load_in_4bit if args.load_in_4bit is not None else flag("loadIn4bit"),
        "gradient_checkpointing": flag("gradientCheckpointing"),
    }
    if s["method"] not in ("sft", "dpo"):
        raise BadInput(f"method {s['method']!r} is neither sft nor dpo")
    if s["method"] == "sft" and not args.validation:
        raise BadInput("--validation is required for sft: it is evaluated and drives the early stop")
    if not isinstance(s["target_modules"], (str, list)):
        raise BadInput("hyper-parameter targetModules is neither a string nor a list of module names")
    return s


# --- data ---------------------------------------------------------------------------------------------------------

def read_jsonl(path):
    rows = []
    try:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except ValueError as e:
                    raise BadInput(f"{path} line {number} is not JSON: {e}") from e
                if not isinstance(row, dict):
                    raise BadInput(f"{path} line {number} is not a JSON object")
                rows.append((number, row))
    except OSError as e:
        raise BadInput(f"cannot read {path}: {e}") from e
    if not rows:
        raise BadInput(f"{path} holds no examples")
    return rows


def checked_messages(messages, where):
    if not isinstance(messages, list) or not messages:
        raise BadInput(f"{where}: 'messages' is not a non-empty list")
    for message in messages:
        if not isinstance(message, dict) or not isinstance(message.get("role"), str) \
                or not isinstance(message.get("content"), str):
            raise BadInput(f"{where}: every message needs a string 'role' and 'content'")
    return [{"role": m["role"], "content": m["content"]} for m in messages]


def read_chat(path):
    examples = []
    for number, row in read_jsonl(path):
        messages = checked_messages(row.get("messages"), f"{path} line {number}")
        if not any(m["role"] == "assistant" for m in messages):
            raise BadInput(f"{path} line {number}: no assistant message to learn")
        examples.append(messages)
    return examples


def preference_side(value, where):
    """An output of a preference line: a list of assistant messages (OpenAI's format) or a plain text."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value:
        messages = checked_messages(value, where)
        if any(m["role"] != "assistant" for m in messages):
            raise BadInput(f"{where}: outputs hold assistant messages only")
        return "".join(m["content"] for m in messages)
    raise BadInput(f"{where}: an output is neither a text nor a list of assistant messages")


def read_preferences(path):
    pairs = []
    for number, row in read_jsonl(path):
        where = f"{path} line {number}"
        prompt = row.get("input")
        if isinstance(prompt, str):
            prompt = [{"role": "user", "content": prompt}]
        elif isinstance(prompt, dict):
            prompt = checked_messages(prompt.get("messages"), where + " input")
        else:
            raise BadInput(f"{where}: 'input' is neither a text nor an object with 'messages'")
        if "preferred_output" not in row or "non_preferred_output" not in row:
            raise BadInput(f"{where}: needs 'preferred_output' and 'non_preferred_output'")
        chosen = preference_side(row["preferred_output"], where + " preferred_output")
        rejected = preference_side(row["non_preferred_output"], where + " non_preferred_output")
        pairs.append((prompt, chosen, rejected))
    return pairs


def read_data(args, settings):
    if settings["method"] == "sft":
        return read_chat(args.train), read_chat(args.validation)
    return read_preferences(args.train), read_preferences(args.validation) if args.validation else []


def check_output(path):
    if os.path.exists(path) and not os.path.isdir(path):
        raise BadInput(f"--output {path} is not a directory")
    os.makedirs(path, exist_ok=True)


def steps_per_epoch(examples, settings):
    batches = math.ceil(len(examples) / settings["batch_size"])
    return max(1, math.ceil(batches / settings["gradient_accumulation_steps"]))


def total_steps(examples, settings):
    steps = max(1, math.ceil(steps_per_epoch(examples, settings) * settings["epochs"]))
    return min(steps, settings["max_steps"]) if settings["max_steps"] else steps


class EarlyStop:
    """Stops when the validation loss has not improved by min_delta for `patience` evaluations in a row."""

    def __init__(self, patience, min_delta):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_step, self.bad = math.inf, None, 0

    def improved(self, loss, step):
        if loss < self.best - self.min_delta:
            self.best, self.best_step, self.bad = loss, step, 0
            return True
        self.bad += 1
        return False

    def should_stop(self):
        return self.bad >= self.patience


# --- stub backend: no torch -----------------------------------------------------------------------------------------

class UnigramModel:
    """Add-one smoothed word unigram counts over a fixed vocabulary (every word of the data, plus one for any
    other): a stand-in for the network that starts at the uniform log(V) and learns from the data."""

    def __init__(self, words):
        self.size = len(set(words)) + 1
        self.counts, self.total = Counter(), 0

    def vocabulary(self):
        return self.size

    def logprob(self, word):
        return math.log((self.counts[word] + 1) / (self.total + self.vocabulary()))

    def learn(self, words):
        self.counts.update(words)
        self.total += len(words)


def assistant_words(messages):
    return [w for m in messages if m["role"] == "assistant" for w in m["content"].split()]


def run_stub(args, settings, train, validation):
    rng = random.Random(settings["seed"])
    sft = settings["method"] == "sft"
    model = UnigramModel([w for e in train + validation
                          for w in (assistant_words(e) if sft else (e[1] + " " + e[2]).split())])
    beta = settings["beta"]

    def example_loss(example):
        """(loss, tokens): assistant-word cross-entropy for SFT; the DPO loss against a uniform reference."""
        if sft:
            words = assistant_words(example)
            return -sum(model.logprob(w) for w in words), len(words)
        _, chosen, rejected = example
        uniform = -math.log(model.vocabulary())
        margin = sum(model.logprob(w) - uniform for w in chosen.split()) \
            - sum(model.logprob(w) - uniform for w in rejected.split())
        return math.log1p(math.exp(-beta * margin)) if beta * margin > -30 else -beta * margin, 1

    def learn(example):
        model.learn(assistant_words(example) if sft else example[1].split())

    def evaluate():
        losses = [example_loss(e) for e in validation]
        return sum(loss for loss, _ in losses) / max(1, sum(tokens for _, tokens in losses))

    steps, per_epoch = total_steps(train, settings), steps_per_epoch(train, settings)
    per_step = settings["batch_size"] * settings["gradient_accumulation_steps"]
    progress(message=f"stub backend: {settings['method']} on {len(train)} training and {len(validation)} "
                     f"validation examples, {steps} steps; a word-unigram model stands in for the network",
             level="WARN", backend="stub", train_examples=len(train), validation_examples=len(validation),
             total_steps=steps)
    stop = EarlyStop(settings["patience"], settings["min_delta"])
    eval_every = settings["eval_steps"] or per_epoch
    order, window, step = [], [], 0
    while step < steps:
        if not order:
            order = list(range(len(train)))
            rng.shuffle(order)
        batch = [train[order.pop()] for _ in range(min(per_step, len(order)))]
        losses = [example_loss(e) for e in batch]  # online: scored before it is learnt
        for example in batch:
            learn(example)
        step += 1
        window.append(sum(loss for loss, _ in losses) / max(1, sum(tokens for _, tokens in losses)))
        if step % settings["logging_steps"] == 0 or step == steps:
            progress(step=step, loss=round(sum(window) / len(window), 4), epoch=round(step / per_epoch, 3))
            window = []
        if validation and (step % eval_every == 0 or step == steps):
            eval_loss = evaluate()
            stop.improved(eval_loss, step)
            progress(step=step, eval_loss=round(eval_loss, 4), epoch=round(step / per_epoch, 3),
                     message="evaluation")
            if stop.should_stop():
                progress(step=step, message=f"early stop: no better eval_loss than {stop.best:.4f} "
                                            f"(step {stop.best_step}) for {settings['patience']} evaluations")
                break
    with open(os.path.join(args.output, "stub_model.json"), "w", encoding="utf-8") as f:
        json.dump({"backend": "stub", "method": settings["method"], "base_model": args.base_model,
                   "steps": step, "words": model.total, "vocabulary": model.vocabulary() - 1}, f, indent=1)
    progress(message=f"stub model written to {args.output} (not an adapter)", level="WARN", backend="stub")


# --- torch backend ---------------------------------------------------------------------------------------------------

def import_ml_stack(settings):
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
        import peft  # noqa: F401
    except ImportError as e:
        raise MissingLibrary(f"{e}: the torch backend needs torch, transformers and peft "
                             "(pip install torch transformers peft); --backend stub runs without them") from e
    if settings["load_in_4bit"]:
        try:
            import bitsandbytes  # noqa: F401
        except ImportError as e:
            raise MissingLibrary(f"{e}: QLoRA (--load-in-4bit / loadIn4bit) needs bitsandbytes "
                                 "(pip install bitsandbytes); without it, train plain LoRA in bf16") from e


class ChatLayout:
    """Token ids of a conversation, and which of them are the assistant's (the ones the loss is taken on)."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.template = bool(getattr(tokenizer, "chat_template", None))

    def encode(self, text):
        return self.tokenizer(text, add_special_tokens=False)["input_ids"] if text else []

    def render(self, messages, generation_prompt):
        return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation_prompt)

    def segments(self, messages):
        """[(text, is_assistant)], the texts adding up to the whole conversation as the template lays it out."""
        if not self.template:
            return self.fallback_segments(messages)
        segments, done = [], ""
        for i, message in enumerate(messages):
            if message["role"] != "assistant":
                continue
            before = self.render(messages[:i], True)
            with_answer = self.render(messages[:i + 1], False)
            if not before.startswith(done) or not with_answer.startswith(before):
                raise BadInput("the tokenizer's chat template does not render a conversation as a prefix of its "
                               "continuation, so the assistant tokens cannot be told apart")
            segments += [(before[len(done):], False), (with_answer[len(before):], True)]
            done = with_answer
        whole = self.render(messages, False)
        if whole.startswith(done) and len(whole) > len(done):
            segments.append((whole[len(done):], False))
        return segments

    def fallback_segments(self, messages):
        segments, bos = [], self.tokenizer.bos_token or ""
        for i, message in enumerate(messages):
            header = (bos if i == 0 else FALLBACK_SEPARATOR) + FALLBACK_HEADERS.get(
                message["role"], f"### {message['role'].capitalize()}:\n")
            if message["role"] == "assistant":
                segments += [(header, False), (message["content"] + (self.tokenizer.eos_token or ""), True)]
            else:
                segments.append((header + message["content"], False))
        return segments

    def prompt_and_answer(self, prompt_messages, answer):
        """For DPO: (prompt ids, answer ids) of the prompt followed by one assistant answer."""
        segments = self.segments(prompt_messages + [{"role": "assistant", "content": answer}])
        ids = [(self.encode(text), assistant) for text, assistant in segments]
        last = max(i for i, (_, assistant) in enumerate(ids) if assistant)
        return [t for part, _ in ids[:last] for t in part], ids[last][0]

    def sft_example(self, messages, max_length):
        input_ids, labels = [], []
        for text, assistant in self.segments(messages):
            ids = self.encode(text)
            input_ids += ids
            labels += ids if assistant else [-100] * len(ids)
        return input_ids[:max_length], labels[:max_length]


def pick_device(torch, wanted):
    if wanted == "cuda" and not torch.cuda.is_available():
        raise BadInput("--device cuda: no CUDA GPU is visible")
    return "cuda" if wanted in ("auto", "cuda") and torch.cuda.is_available() else "cpu"


def load_model(args, settings, device):
    import torch
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(args.base_model)
    except (OSError, ValueError) as e:
        raise BadInput(f"cannot load the tokenizer of {args.base_model}: {e}") from e
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token if tokenizer.eos_token is not None else tokenizer.unk_token
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    options = {"dtype": dtype}
    if settings["load_in_4bit"]:
        if device != "cuda":
            raise BadInput("QLoRA (--load-in-4bit) needs a CUDA GPU")
        from transformers import BitsAndBytesConfig
        options["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16)
        options["device_map"] = {"": 0}
    try:
        model = AutoModelForCausalLM.from_pretrained(args.base_model, **options)
    except (OSError, ValueError) as e:
        raise BadInput(f"cannot load the base model {args.base_model}: {e}") from e
    if settings["load_in_4bit"]:
        model = prepare_model_for_kbit_training(model,
                                                use_gradient_checkpointing=settings["gradient_checkpointing"])
    else:
        model.to(device)
        if settings["gradient_checkpointing"]:
            model.gradient_checkpointing_enable()
            model.enable_input_require_grads()  # the frozen embeddings give no grad to checkpoint through
    model.config.use_cache = False
    alpha = settings["lora_alpha"]
    lora = LoraConfig(r=settings["lora_rank"], lora_alpha=int(alpha) if alpha.is_integer() else alpha,
                      lora_dropout=settings["lora_dropout"], target_modules=settings["target_modules"],
                      task_type="CAUSAL_LM")
    model = get_peft_model(model, lora)
    trainable, total = model.get_nb_trainable_parameters()
    progress(message=f"LoRA r={settings['lora_rank']} on {args.base_model}: {trainable:,} trainable of {total:,} "
                     f"parameters, {str(dtype).replace('torch.', '')} on {device}"
                     + (" (4-bit NF4 base)" if settings["load_in_4bit"] else ""),
             trainable_parameters=trainable, parameters=total, device=device)
    return model, tokenizer


def pad(rows, value):
    width = max(len(r) for r in rows)
    return [r + [value] * (width - len(r)) for r in rows]


class Trainer:
    """The optimisation loop shared by SFT and DPO: batches, gradient accumulation, schedule, logging, eval,
    early stop; the method supplies the examples and the loss."""

    def __init__(self, model, settings, device, method):
        import torch
        self.torch, self.model, self.settings, self.device, self.method = torch, model, settings, device, method
        self.autocast = torch.autocast(device_type="cuda", dtype=torch.bfloat16) if device == "cuda" \
            else torch.autocast(device_type="cpu", enabled=False)

    def train(self, train, validation, output):
        torch, s = self.torch, self.settings
        rng = random.Random(s["seed"])
        params = [p for p in self.model.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(params, lr=s["learning_rate"], weight_decay=s["weight_decay"])
        steps, per_epoch = total_steps(train, s), steps_per_epoch(train, s)
        warmup = int(steps * s["warmup_ratio"])

        def schedule(step):  # linear warm-up, then cosine decay to 0
            if step < warmup:
                return (step + 1) / (warmup + 1)
            return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup)))

        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
        eval_every = s["eval_steps"] or per_epoch
        stop = EarlyStop(s["patience"], s["min_delta"])
        best_state = None
        progress(message=f"{self.method.name}: {len(train)} training and {len(validation)} validation examples, "
                         f"{steps} optimizer steps of {s['batch_size']}x{s['gradient_accumulation_steps']} "
                         f"examples, evaluation every {eval_every} steps",
                 train_examples=len(train), validation_examples=len(validation), total_steps=steps)
        if self.device == "cuda":
            torch.cuda.reset_peak_memory_stats()
        order, step, window, window_tokens, trained_tokens = [], 0, [], 0, 0
        started = window_started = time.perf_counter()
        train_seconds = 0.0
        self.model.train()
        while step < steps:
            micro_batches = []
            for _ in range(s["gradient_accumulation_steps"]):
                if not order:
                    order = list(range(len(train)))
                    rng.shuffle(order)
                micro_batches.append([train[order.pop()] for _ in range(min(s["batch_size"], len(order)))])
            normaliser = self.method.normaliser(micro_batches)
            step_loss, step_tokens = 0.0, 0
            for batch in micro_batches:
                with self.autocast:
                    loss, tokens = self.method.loss(batch, normaliser)
                loss.backward()
                step_loss += loss.item()
                step_tokens += tokens
            grad_norm = torch.nn.utils.clip_grad_norm_(params, s["max_grad_norm"]).item()
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            window.append(step_loss)
            window_tokens += step_tokens
            trained_tokens += step_tokens
            if step % s["logging_steps"] == 0 or step == steps:
                if self.device == "cuda":
                    torch.cuda.synchronize()
                now = time.perf_counter()
                progress(step=step, loss=round(sum(window) / len(window), 4), epoch=round(step / per_epoch, 3),
                         learning_rate=float(f"{scheduler.get_last_lr()[0]:.3g}"), grad_norm=round(grad_norm, 4),
                         tokens_per_second=round(window_tokens / (now - window_started)),
                         **self.method.take_metrics(), **self.memory())
                window, window_tokens, window_started = [], 0, now
            if validation and (step % eval_every == 0 or step == steps):
                train_seconds += time.perf_counter() - started
                eval_loss, metrics = self.evaluate(validation)
                if stop.improved(eval_loss, step):
                    best_state = {k: v.detach().to("cpu", copy=True)
                                  for k, v in self.model.state_dict().items() if "lora_" in k}
                progress(step=step, eval_loss=round(eval_loss, 4), epoch=round(step / per_epoch, 3),
                         message="evaluation", **metrics)
                if stop.should_stop():
                    progress(step=step, message=f"early stop: eval_loss {stop.best:.4f} at step {stop.best_step} "
                                                f"not improved on for {s['patience']} evaluations")
                    break
                started = window_started = time.perf_counter()
        else:
            train_seconds += time.perf_counter() - started
        if best_state is not None:
            self.model.load_state_dict(best_state, strict=False)
        self.model.save_pretrained(output)
        files = sorted(os.listdir(output))
        progress(message=f"adapter written to {output}" + (f" (best evaluation: step {stop.best_step})"
                                                             if best_state is not None else ""),
                 files=files, steps=step, best_eval_loss=None if best_state is None else round(stop.best, 4),
                 best_step=stop.best_step, train_seconds=round(train_seconds, 1),
                 train_tokens_per_second=round(trained_tokens / max(train_seconds, 1e-9)), **self.memory())

    def evaluate(self, validation):
        torch = self.torch
        self.model.eval()
        total_loss, total_weight, metrics = 0.0, 0, Counter()
        with torch.no_grad():
            for i in range(0, len(validation), self.settings["batch_size"]):
                batch = validation[i:i + self.settings["batch_size"]]
                with self.autocast:
                    loss, weight, batch_metrics = self.method.eval_loss(batch)
                total_loss += loss
                total_weight += weight
                metrics.update(batch_metrics)
        self.model.train()
        return total_loss / max(1, total_weight), {
            "eval_" + k: round(v / len(validation), 4) for k, v in metrics.items()}

    def memory(self):
        if self.device != "cuda":
            return {}
        gib = 1024 ** 3
        return {"gpu_memory_allocated_gib": round(self.torch.cuda.max_memory_allocated() / gib, 2),
                "gpu_memory_reserved_gib": round(self.torch.cuda.max_memory_reserved() / gib, 2)}


class SftMethod:
    name = "sft"

    def __init__(self, model, tokenizer, device):
        import torch
        self.torch, self.model, self.device = torch, model, device
        self.pad_id = tokenizer.pad_token_id

    def prepare(self, layout, examples, max_length):
        prepared = [layout.sft_example(messages, max_length) for messages in examples]
        kept = [e for e in prepared if any(label != -100 for label in e[1][1:])]
        if len(kept) < len(prepared):
            progress(message=f"{len(prepared) - len(kept)} examples have no assistant token within maxLength "
                             f"{max_length}: left out", level="WARN")
        return kept

    @staticmethod
    def label_tokens(batch):
        return sum(sum(1 for label in labels[1:] if label != -100) for _, labels in batch)

    def normaliser(self, micro_batches):
        return max(1, sum(self.label_tokens(b) for b in micro_batches))  # a mean over the whole optimizer step

    def summed_loss(self, batch):
        torch = self.torch
        ids = torch.tensor(pad([i for i, _ in batch], self.pad_id), device=self.device)
        labels = torch.tensor(pad([l for _, l in batch], -100), device=self.device)
        mask = torch.tensor(pad([[1] * len(i) for i, _ in batch], 0), device=self.device)
        logits = self.model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
        return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), labels[:, 1:].reshape(-1),
                                                 ignore_index=-100, reduction="sum"), int(mask.sum())

    def loss(self, batch, normaliser):
        summed, tokens = self.summed_loss(batch)
        return summed / normaliser, tokens

    def eval_loss(self, batch):
        summed, _ = self.summed_loss(batch)
        return summed.item(), self.label_tokens(batch), {}

    def take_metrics(self):
        return {}


class DpoMethod:
    """DPO (Rafailov et al. 2023): -log sigmoid(beta * ((log pi(chosen) - log ref(chosen)) - (same, rejected))),
    log-probabilities summed over the answer tokens; the reference is the base model, i.e. the adapter disabled."""
    name = "dpo"

    def __init__(self, model, tokenizer, device, beta):
        import torch
        self.torch, self.model, self.device, self.beta = torch, model, device, beta
        self.pad_id = tokenizer.pad_token_id
        self.metrics, self.metric_batches = Counter(), 0

    def prepare(self, layout, pairs, max_length):
        prepared = []
        for prompt, chosen, rejected in pairs:
            prompt_ids, chosen_ids = layout.prompt_and_answer(prompt, chosen)
            _, rejected_ids = layout.prompt_and_answer(prompt, rejected)
            answer_room = max(len(chosen_ids), len(rejected_ids))
            prompt_ids = prompt_ids[-max(1, max_length - answer_room):]  # keep the end of a long prompt
            room = max_length - len(prompt_ids)
            if room < 1 or not chosen_ids[:room] or not rejected_ids[:room]:
                continue
            prepared.append({"prompt": prompt_ids, "chosen": chosen_ids[:room], "rejected": rejected_ids[:room]})
        if len(prepared) < len(pairs):
            progress(message=f"{len(pairs) - len(prepared)} preference pairs do not fit maxLength {max_length}: "
                             "left out", level="WARN")
        if not prepared:
            raise BadInput("no preference pair fits maxLength")
        return prepared

    def answer_logps(self, batch):
        """Summed log-probabilities of each pair's chosen and rejected answers: two tensors of len(batch)."""
        torch = self.torch
        rows = [p["prompt"] + p[side] for side in ("chosen", "rejected") for p in batch]
        starts = [len(p["prompt"]) for _ in range(2) for p in batch]
        ids = torch.tensor(pad(rows, self.pad_id), device=self.device)
        mask = torch.tensor(pad([[1] * len(r) for r in rows], 0), device=self.device)
        answer = torch.zeros_like(ids, dtype=torch.bool)
        for i, (start, row) in enumerate(zip(starts, rows)):
            answer[i, start:len(row)] = True
        logits = self.model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
        token_logps = torch.gather(logits.log_softmax(-1), 2, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
        summed = (token_logps * answer[:, 1:]).sum(-1)
        return summed[:len(batch)], summed[len(batch):], int(mask.sum())

    def add_reference(self, prepared, batch_size, autocast):
        """The base model's log-probabilities, once: the reference never changes."""
        torch = self.torch
        self.model.eval()
        with torch.no_grad(), self.model.disable_adapter():
            for i in range(0, len(prepared), batch_size):
                batch = prepared[i:i + batch_size]
                with autocast:
                    chosen, rejected, _ = self.answer_logps(batch)
                for pair, c, r in zip(batch, chosen.tolist(), rejected.tolist()):
                    pair["ref_chosen"], pair["ref_rejected"] = c, r
        self.model.train()

    def pair_losses(self, batch):
        torch = self.torch
        chosen, rejected, tokens = self.answer_logps(batch)
        ref_chosen = torch.tensor([p["ref_chosen"] for p in batch], device=self.device)
        ref_rejected = torch.tensor([p["ref_rejected"] for p in batch], device=self.device)
        reward_chosen = self.beta * (chosen - ref_chosen)
        reward_rejected = self.beta * (rejected - ref_rejected)
        losses = -torch.nn.functional.logsigmoid(reward_chosen - reward_rejected)
        metrics = Counter({"reward_chosen": reward_chosen.sum().item(),
                           "reward_rejected": reward_rejected.sum().item(),
                           "reward_accuracy": (reward_chosen > reward_rejected).float().sum().item(),
                           "reward_margin": (reward_chosen - reward_rejected).sum().item()})
        return losses, tokens, metrics

    def normaliser(self, micro_batches):
        return max(1, sum(len(b) for b in micro_batches))

    def loss(self, batch, normaliser):
        losses, tokens, metrics = self.pair_losses(batch)
        self.metrics.update(metrics)
        self.metric_batches += len(batch)
        return losses.sum() / normaliser, tokens

    def eval_loss(self, batch):
        losses, _, metrics = self.pair_losses(batch)
        return losses.sum().item(), len(batch), metrics

    def take_metrics(self):
        taken = {k: round(v / max(1, self.metric_batches), 4) for k, v in self.metrics.items()}
        self.metrics, self.metric_batches = Counter(), 0
        return taken


def run_torch(args, settings, train, validation):
    import_ml_stack(settings)
    import torch
    from transformers import set_seed

    set_seed(settings["seed"])
    device = pick_device(torch, args.device)
    model, tokenizer = load_model(args, settings, device)
    layout = ChatLayout(tokenizer)
    if not layout.template:
        progress(message="the tokenizer has no chat template: using the fallback layout "
                         "'### System/User/Assistant:' (see peft_lora.py)", level="WARN")
    if settings["method"] == "sft":
        method = SftMethod(model, tokenizer, device)
    else:
        method = DpoMethod(model, tokenizer, device, settings["beta"])
    train = method.prepare(layout, train, settings["max_length"])
    validation = method.prepare(layout, validation, settings["max_length"]) if validation else []
    if not train:
        raise BadInput("no training example is left after tokenisation")
    trainer = Trainer(model, settings, device, method)
    if settings["method"] == "dpo":
        started = time.perf_counter()
        method.add_reference(train + validation, settings["batch_size"], trainer.autocast)
        progress(message=f"reference log-probabilities of {len(train) + len(validation)} pairs, adapter disabled, "
                         f"in {time.perf_counter() - started:.1f} s")
    trainer.train(train, validation, args.output)


def load_into_vllm(output):
    vllm = os.environ.get("VLLM_URL")
    if not vllm:
        return
    name = os.environ.get("SERVED_MODEL") or os.environ.get("LIFECYCLE_JOB_NAME")
    if not name:
        raise BadInput("VLLM_URL is set but neither SERVED_MODEL nor LIFECYCLE_JOB_NAME names the adapter")
    request = urllib.request.Request(vllm.rstrip("/") + "/v1/load_lora_adapter", method="POST",
                                     headers={"Content-Type": "application/json"},
                                     data=json.dumps({"lora_name": name, "lora_path": output}).encode())
    urllib.request.urlopen(request, timeout=120).read()
    progress(message=f"adapter loaded into vLLM as {name}")


def main(argv=None):
    try:
        args = parse_arguments(sys.argv[1:] if argv is None else argv)
        settings = settings_from(args)
        train, validation = read_data(args, settings)
        check_output(args.output)
        if args.backend == "stub":
            run_stub(args, settings, train, validation)
        else:
            run_torch(args, settings, train, validation)
            load_into_vllm(args.output)
        return 0
    except BadInput as e:
        return fail(str(e), EXIT_BAD_INPUT)
    except MissingLibrary as e:
        return fail(str(e), EXIT_MISSING_LIBRARY)
    except Exception as e:  # noqa: BLE001 - any other failure is the training's: traceback and exit 1
        traceback.print_exc()
        return fail(f"training failed: {type(e).__name__}: {e}", EXIT_TRAINING_FAILED)


def fail(message, code):
    progress(message=message, level="ERROR", exit_code=code)
    print(f"peft_lora.py: {message}", file=sys.stderr, flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
