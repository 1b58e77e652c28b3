#!/bin/sh
# A trainer that follows docs/command-fine-tuner.md, for tests: JSON progress lines on stdout, an adapter
# directory written to --output, diagnostics on stderr. --mode picks what it does:
#   succeed  report three steps (the first before waiting for the file "$LIFECYCLE_JOB_DIR/go"), write an adapter
#   train    the same without waiting
#   crash    report one step, print a traceback on stderr, exit 3
#   hang     start a child process that never ends (its pid in "$LIFECYCLE_JOB_DIR/child.pid") and wait for it
#   empty    exit 0 without writing an adapter
mode=succeed
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) mode="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --base-model) base_model="$2"; shift 2 ;;
    --output) output="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 64 ;;
  esac
done
echo "start" >> "$LIFECYCLE_JOB_DIR/starts"
printf '%s|%s|%s|%s\n' "$data" "$base_model" "$epochs" "$LIFECYCLE_HP_EPOCHS" > "$LIFECYCLE_JOB_DIR/arguments"
[ -f "$data" ] || { echo "no dataset at $data" >&2; exit 65; }
echo "Loading checkpoint shards: 100%|##########| 2/2"
echo '{"step": 1, "loss": 2.5, "epoch": 0.3, "learning_rate": 0.0002}'
case "$mode" in
  succeed|train)
    while [ "$mode" = succeed ] && [ ! -f "$LIFECYCLE_JOB_DIR/go" ]; do sleep 0.1; done
    echo '{"step": 2, "loss": 1.25, "epoch": 0.6}'
    echo '{"step": 3, "loss": 0.5, "eval_loss": 0.75, "epoch": 1.0, "message": "epoch 1 done"}'
    mkdir -p "$output"
    echo '{"r": 16, "lora_alpha": 32, "base_model_name_or_path": "'"$base_model"'"}' > "$output/adapter_config.json"
    head -c 4096 /dev/urandom > "$output/adapter_model.safetensors"
    ;;
  crash)
    i=1
    while [ $i -le 30 ]; do echo "warning line $i" >&2; i=$((i + 1)); done
    echo 'Traceback (most recent call last):' >&2
    echo 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB' >&2
    exit 3
    ;;
  hang)
    sleep 600 &
    echo $! > "$LIFECYCLE_JOB_DIR/child.pid"
    wait
    ;;
  empty)
    ;;
esac
