-- Real model providers (OpenAI-compatible chat and fine-tuning, command trainers for LoRA/QLoRA).

-- A use case may train with another adapter than it prompts with (e.g. prompts on vLLM, trains with Axolotl);
-- null: the same name as its provider.
alter table use_case add column fine_tuner text;

-- What a fine-tuning job reported as it ran: provider events and training metrics (the loss curve). Keyed by the
-- provider's job id, not by fine_tune_job, because a trainer reports while its job row is still uncommitted.
create table fine_tune_event (
    id          bigserial primary key,
    provider    text        not null,
    external_id text        not null,
    event_key   text        not null,      -- the provider's event id, or the trainer's output line number
    level       text,
    message     text,
    step        integer,
    train_loss  double precision,
    eval_loss   double precision,
    data        jsonb       not null default '{}',
    created_at  timestamptz not null default now(),
    unique (provider, external_id, event_key)
);

-- Every call a provider adapter made for an evaluation: prompt version, model, input/output, tokens, latency, cost.
create table model_call (
    id                bigserial primary key,
    eval_run_id       bigint      not null references eval_run (id),
    provider          text        not null,
    model             text        not null,
    prompt_version_id bigint      not null references prompt_version (id),
    model_version_id  bigint      not null references model_version (id),
    input             text        not null,
    output            text,
    prompt_tokens     integer     not null,
    completion_tokens integer     not null,
    latency_ms        numeric(12,3) not null,
    cost_usd          numeric(14,8),
    created_at        timestamptz not null default now()
);
create index model_call_eval_run_idx on model_call (eval_run_id);

alter table eval_run add column completion_tokens bigint not null default 0;
alter table eval_run add column cost_usd numeric(14,8);
