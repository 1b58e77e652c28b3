-- A trainer's result (e.g. a LoRA adapter directory) may be served under another name than its weights' URI:
-- the name the use case's provider knows it by (vLLM --lora-modules <name>=<dir>).
alter table fine_tune_job add column served_model text;
