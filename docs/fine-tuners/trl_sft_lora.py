#!/usr/bin/env python3
"""LoRA / QLoRA supervised fine-tuning with TRL, following docs/command-fine-tuner.md.

    lifecycle.fine-tuners.lora.command: [python3, trl_sft_lora.py, --train, "{dataset}",
        --validation, "{validation}", --base-model, "{baseModel}", --output, "{outputDir}",
        --hyperparameters, "{hyperparameters}"]

Needs: pip install "trl>=1.0" peft "transformers>=4.56.2" datasets accelerate (bitsandbytes for --load-in-4bit).
Checked against the sources of TRL 1.10 (SFTConfig max_length, completion_only_loss; SFTTrainer processing_class,
peft_config) and transformers 5 (from_pretrained's dtype, eval_strategy); not run here (no TRL on the GPU machine):
docs/fine-tuners/peft_lora.py is the trainer that was run. The chat lines are given to TRL as conversational
prompt-completion pairs (the last assistant message is the completion), so the loss is on the answer only, as in
peft_lora.py. Progress: one JSON line per Trainer log on stdout. Result: the PEFT adapter in --output.
If VLLM_URL is set (e.g. http://localhost:8000), the adapter is loaded into that vLLM server under
LIFECYCLE_JOB_NAME (or SERVED_MODEL) at the end, so the evaluation stage can call it.
"""
import argparse
import json
import os
import sys
import urllib.request


def progress(**fields):
    print(json.dumps(fields), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--validation", required=True)
    parser.add_argument("--base-model", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--hyperparameters", required=True)
    parser.add_argument("--load-in-4bit", action="store_true", help="QLoRA")
    args = parser.parse_args()
    with open(args.hyperparameters) as f:
        hp = json.load(f)

    # imported here so that --help works without the ML stack
    import torch
    from datasets import load_dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig, TrainerCallback
    from trl import SFTConfig, SFTTrainer

    class JsonProgress(TrainerCallback):
        def on_log(self, _args, state, _control, logs=None, **_kwargs):
            logs = logs or {}
            fields = {k: v for k, v in logs.items() if isinstance(v, (int, float))}
            fields["step"] = state.global_step
            progress(**fields)

    def prompt_and_completion(example):
        messages = example["messages"]
        return {"prompt": messages[:-1], "completion": messages[-1:]}

    data = load_dataset("json", data_files={"train": args.train, "validation": args.validation})
    data = data.map(prompt_and_completion, remove_columns=["messages"])
    progress(message=f"{len(data['train'])} training and {len(data['validation'])} validation examples")

    quantization = None
    if args.load_in_4bit:
        quantization = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                          bnb_4bit_compute_dtype=torch.bfloat16)
    tokenizer = AutoTokenizer.from_pretrained(args.base_model)
    model = AutoModelForCausalLM.from_pretrained(args.base_model, quantization_config=quantization,
                                                 dtype="auto")
    config = SFTConfig(
        output_dir=os.path.join(os.environ.get("LIFECYCLE_JOB_DIR", "."), "checkpoints"),
        num_train_epochs=float(hp.get("epochs", 3)),
        learning_rate=float(hp.get("learningRate", 2e-4)),
        per_device_train_batch_size=int(hp.get("batchSize", 8)),
        gradient_accumulation_steps=int(hp.get("gradientAccumulationSteps", 1)),
        max_length=int(hp.get("maxLength", 1024)),
        seed=int(hp.get("seed", 42)),
        eval_strategy="epoch",
        logging_steps=int(hp.get("loggingSteps", 10)),
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
    )
    lora = LoraConfig(r=int(hp.get("loraRank", 16)), lora_alpha=int(hp.get("loraAlpha", 32)),
                      lora_dropout=0.05, target_modules="all-linear", task_type="CAUSAL_LM")
    trainer = SFTTrainer(model=model, args=config, train_dataset=data["train"], eval_dataset=data["validation"],
                         processing_class=tokenizer, peft_config=lora, callbacks=[JsonProgress()])
    trainer.train()
    trainer.model.save_pretrained(args.output)  # adapter_config.json + adapter_model.safetensors
    tokenizer.save_pretrained(args.output)
    progress(message="adapter written", level="INFO")

    vllm = os.environ.get("VLLM_URL")
    if vllm:
        name = os.environ.get("SERVED_MODEL") or os.environ["LIFECYCLE_JOB_NAME"]
        request = urllib.request.Request(vllm.rstrip("/") + "/v1/load_lora_adapter", method="POST",
                                         headers={"Content-Type": "application/json"},
                                         data=json.dumps({"lora_name": name, "lora_path": args.output}).encode())
        urllib.request.urlopen(request, timeout=120).read()
        progress(message=f"adapter loaded into vLLM as {name}")


if __name__ == "__main__":
    sys.exit(main())
