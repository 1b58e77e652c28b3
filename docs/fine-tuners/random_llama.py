#!/usr/bin/env python3
"""A Llama-architecture base model for checking peft_lora.py where no pretrained weights can be downloaded.

    python3 docs/fine-tuners/random_llama.py --data /tmp/support-reply/*.jsonl --output /tmp/base \
        --hidden-size 2048 --layers 16 --heads 16 --kv-heads 8 --intermediate-size 5632

Trains a byte-level BPE tokenizer with `tokenizers` on every text in the given JSONL files (chat or preference
lines), gives it a ChatML chat template (<|im_start|>role ... <|im_end|>; --no-chat-template leaves it without
one, to exercise the trainer's fallback layout), and saves it with a LlamaForCausalLM initialised from a
LlamaConfig (random weights, the seed fixed). The result loads with AutoTokenizer / AutoModelForCausalLM like any
Hugging Face model directory. It knows no language: it only gives the trainer real shapes, kernels and memory.
"""
import argparse
import json
import sys

CHAT_TEMPLATE = ("{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}"
                 "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
SPECIAL_TOKENS = ["<s>", "<pad>", "<|im_start|>", "<|im_end|>"]


def texts(paths):
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                yield from strings(json.loads(line))


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "role":
                yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="+", required=True, help="JSONL files to train the tokenizer on")
    parser.add_argument("--output", required=True)
    parser.add_argument("--vocab-size", type=int, default=8192)
    parser.add_argument("--hidden-size", type=int, default=512)
    parser.add_argument("--intermediate-size", type=int, default=1408)
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--kv-heads", type=int, default=4)
    parser.add_argument("--max-positions", type=int, default=2048)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--no-chat-template", action="store_true")
    args = parser.parse_args()

    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(texts(args.data), trainers.BpeTrainer(
        vocab_size=args.vocab_size, special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token="<s>", eos_token="<|im_end|>",
                                        pad_token="<pad>")
    if not args.no_chat_template:
        tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(args.output)

    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=args.hidden_size,
                         intermediate_size=args.intermediate_size, num_hidden_layers=args.layers,
                         num_attention_heads=args.heads, num_key_value_heads=args.kv_heads,
                         max_position_embeddings=args.max_positions, bos_token_id=tokenizer.bos_token_id,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
                         tie_word_embeddings=False)
    torch.manual_seed(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    with torch.device(device):  # initialised where it is fast; saved in bf16 as pretrained models ship
        model = LlamaForCausalLM(config)
    model.to(torch.bfloat16).save_pretrained(args.output)
    parameters = sum(p.numel() for p in model.parameters())
    print(json.dumps({"message": f"random Llama base model written to {args.output}", "parameters": parameters,
                      "vocab_size": len(tokenizer), "hidden_size": args.hidden_size, "layers": args.layers,
                      "chat_template": not args.no_chat_template}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
