#!/usr/bin/env bash
# SFT then DPO with peft_lora.py on the support-reply sample, on a GPU, with no pretrained weights: the base model
# is a Llama initialised from a config with a tokenizer trained on the data (random_llama.py). Prints both
# trainers' stdout and writes them, the adapters' file lists and nvidia-smi's view to RESULTS.
#
#   docs/fine-tuners/verify_on_gpu.sh [SAMPLE_DIR] [WORK_DIR] [RESULTS_DIR]
#
# Sizes and hyper-parameters can be changed through the environment (defaults below). The DPO run starts from
# the SFT result merged into the base, as DPO usually follows SFT; its reference model is that merged model.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sample="${1:-src/main/resources/sample/support-reply}"
work="${2:-/tmp/peft-verify}"
results="${3:-$work/results}"
export PYTHONUNBUFFERED=1
mkdir -p "$work" "$results"

python3 "$here/support_reply_to_jsonl.py" --interactions "$sample/interactions.jsonl" --output "$work/data"
python3 "$here/random_llama.py" --data "$work"/data/*.jsonl --output "$work/base" \
  --hidden-size "${HIDDEN_SIZE:-3072}" --intermediate-size "${INTERMEDIATE_SIZE:-8192}" \
  --layers "${LAYERS:-28}" --heads "${HEADS:-24}" --kv-heads "${KV_HEADS:-8}" --vocab-size "${VOCAB_SIZE:-8192}"

cat > "$work/sft.json" <<EOF
{"method": "sft", "epochs": ${SFT_EPOCHS:-4}, "learningRate": ${SFT_LR:-0.0005}, "batchSize": ${BATCH_SIZE:-8},
 "gradientAccumulationSteps": ${GRAD_ACCUM:-2}, "loraRank": 16, "loraAlpha": 32, "maxLength": 512,
 "loggingSteps": ${LOGGING_STEPS:-5}, "evalSteps": ${EVAL_STEPS:-10}, "earlyStoppingPatience": 3, "seed": 7${MAX_STEPS:+, \"maxSteps\": $MAX_STEPS}}
EOF
cat > "$work/dpo.json" <<EOF
{"method": "dpo", "epochs": ${DPO_EPOCHS:-3}, "learningRate": ${DPO_LR:-0.00005}, "batchSize": ${BATCH_SIZE:-8},
 "gradientAccumulationSteps": ${GRAD_ACCUM:-2}, "loraRank": 16, "loraAlpha": 32, "maxLength": 512, "beta": 0.1,
 "loggingSteps": ${LOGGING_STEPS:-5}, "evalSteps": ${EVAL_STEPS:-10}, "earlyStoppingPatience": 3, "seed": 7${MAX_STEPS:+, \"maxSteps\": $MAX_STEPS}}
EOF

mkdir -p "$work/sft-adapter" "$work/dpo-adapter"
python3 "$here/peft_lora.py" --train "$work/data/train.jsonl" \
  --validation "$work/data/validation.jsonl" --base-model "$work/base" --output "$work/sft-adapter" \
  --hyperparameters "$work/sft.json" 2> "$results/sft.stderr" | tee "$results/peft-sft-gpu.stdout"

python3 - "$work/base" "$work/sft-adapter" "$work/base-sft" <<'EOF'
import sys, torch
from peft import PeftModel
from transformers import AutoModelForCausalLM, AutoTokenizer
base, adapter, out = sys.argv[1:]
model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.bfloat16)
PeftModel.from_pretrained(model, adapter).merge_and_unload().save_pretrained(out)
AutoTokenizer.from_pretrained(base).save_pretrained(out)
print(f"SFT adapter merged into {out}")
EOF

python3 "$here/peft_lora.py" --train "$work/data/preference-train.jsonl" \
  --validation "$work/data/preference-validation.jsonl" --base-model "$work/base-sft" \
  --output "$work/dpo-adapter" --hyperparameters "$work/dpo.json" 2> "$results/dpo.stderr" \
  | tee "$results/peft-dpo-gpu.stdout"

for run in sft dpo; do
  (cd "$work/$run-adapter" && find . -type f -printf '%s\t%P\n' | sort -k2 \
     && sha256sum adapter_model.safetensors && cat adapter_config.json) > "$results/$run-adapter.txt"
done
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv > "$results/gpu.txt"
python3 -c 'import torch, transformers, peft; print("torch", torch.__version__, "transformers",
  transformers.__version__, "peft", peft.__version__)' >> "$results/gpu.txt"
