-- Tracking schema of the LLM lifecycle engine: every artifact, approval and decision, with lineage.
-- Append-only: change the schema with a new V<n>__*.sql file, never by editing this one.

create table use_case (
    id                    bigserial primary key,
    key                   text        not null unique,
    name                  text        not null,
    description           text,
    labels                jsonb       not null,               -- [{"label": "...", "description": "..."}]
    target_accuracy       numeric(5,4) not null check (target_accuracy between 0 and 1),
    min_labelled_examples integer     not null check (min_labelled_examples > 0),
    plateau_delta         numeric(5,4) not null default 0.02,  -- a prompt iteration gaining less than this has plateaued
    provider              text        not null default 'local',
    base_model            text        not null,
    created_at            timestamptz not null default now()
);

create table eval_example (
    id          bigserial primary key,
    use_case_id bigint not null references use_case (id),
    input       text   not null,
    label       text   not null,
    unique (use_case_id, input)
);

create table prompt_version (
    id          bigserial primary key,
    use_case_id bigint      not null references use_case (id),
    version     integer     not null,
    purpose     text        not null check (purpose in ('PROTOTYPE', 'FINE_TUNED')),
    spec        jsonb       not null,      -- instruction, input template, label descriptions on/off, few-shot examples
    sha256      char(64)    not null,
    created_by  text        not null,
    created_at  timestamptz not null default now(),
    unique (use_case_id, version),
    unique (use_case_id, sha256)
);

create table lifecycle_run (
    id                   uuid        primary key,
    use_case_id          bigint      not null references use_case (id),
    status               text        not null check (status in ('RUNNING', 'AWAITING_APPROVAL', 'COMPLETED', 'REJECTED', 'FAILED', 'INTERRUPTED')),
    outcome              text,
    failure_reason       text,
    process_instance_key bigint,
    started_by           text        not null,
    attempt              integer     not null default 1,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    finished_at          timestamptz
);
create index lifecycle_run_status_idx on lifecycle_run (status);

-- The output of every completed stage of a run: what makes workers idempotent and runs resumable.
create table run_stage (
    run_id       uuid        not null references lifecycle_run (id),
    stage        text        not null,    -- the job type, e.g. lifecycle.dataset.build
    output       jsonb       not null,
    job_key      bigint,
    started_at   timestamptz not null,
    completed_at timestamptz not null default now(),
    primary key (run_id, stage)
);

create table interaction (
    id                bigserial primary key,
    use_case_id       bigint      not null references use_case (id),
    external_id       text,
    prompt_version_id bigint references prompt_version (id),
    model_version_id  bigint,
    subject_id        text,                 -- the end user (data subject) the input came from
    input             text        not null,
    output            text,
    prompt_tokens     integer,
    completion_tokens integer,
    latency_ms        integer,
    cost_usd          numeric(14,6),
    created_at        timestamptz not null default now(),
    unique (use_case_id, external_id)
);
create index interaction_use_case_created_idx on interaction (use_case_id, created_at);

create table feedback (
    id               bigserial primary key,
    interaction_id   bigint      not null references interaction (id),
    rating           smallint check (rating in (-1, 1)),
    corrected_output text,
    comment          text,
    created_by       text,
    created_at       timestamptz not null default now()
);
create index feedback_interaction_idx on feedback (interaction_id);

create table artifact (
    id         bigserial primary key,
    kind       text        not null,         -- DATASET_SPLIT, MODEL_WEIGHTS, ...
    uri        text        not null,
    sha256     char(64)    not null,
    bytes      bigint      not null check (bytes >= 0),
    media_type text,
    metadata   jsonb       not null default '{}',
    run_id     uuid references lifecycle_run (id),
    created_at timestamptz not null default now(),
    unique (kind, sha256, run_id)
);

create table artifact_parent (
    artifact_id        bigint not null references artifact (id),
    parent_artifact_id bigint not null references artifact (id),
    primary key (artifact_id, parent_artifact_id)
);

create table dataset_version (
    id                   bigserial primary key,
    use_case_id          bigint      not null references use_case (id),
    run_id               uuid        not null unique references lifecycle_run (id),
    version              integer     not null,
    sha256               char(64)    not null,      -- over the three split files' hashes
    train_artifact_id    bigint      not null references artifact (id),
    validation_artifact_id bigint    not null references artifact (id),
    test_artifact_id     bigint      not null references artifact (id),
    train_rows           integer     not null,
    validation_rows      integer     not null,
    test_rows            integer     not null,
    candidates           integer     not null,      -- feedback rows selected
    duplicates_removed   integer     not null,
    pii_items_scrubbed   integer     not null,
    label_distribution   jsonb       not null,
    split_seed           bigint      not null,
    tainted              boolean     not null default false,
    created_at           timestamptz not null default now(),
    unique (use_case_id, version)
);

-- Lineage: which feedback rows (and so which interactions) a dataset version was built from.
create table dataset_version_feedback (
    dataset_version_id bigint not null references dataset_version (id),
    feedback_id        bigint not null references feedback (id),
    split              text   not null check (split in ('train', 'validation', 'test')),
    primary key (dataset_version_id, feedback_id)
);

create table fine_tune_job (
    id                 bigserial primary key,
    run_id             uuid        not null unique references lifecycle_run (id),
    dataset_version_id bigint      not null references dataset_version (id),
    provider           text        not null,
    base_model         text        not null,
    hyperparameters    jsonb       not null,
    external_id        text,
    status             text        not null check (status in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    metrics            jsonb       not null default '{}',
    error              text,
    result_model_ref   text,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now()
);

create table model_version (
    id                 bigserial primary key,
    use_case_id        bigint      not null references use_case (id),
    name               text        not null,
    kind               text        not null check (kind in ('BASE', 'FINE_TUNED')),
    provider           text        not null,
    base_model         text        not null,
    external_ref       text,                     -- provider model id, or the weights artifact's uri
    artifact_id        bigint references artifact (id),
    fine_tune_job_id   bigint references fine_tune_job (id),
    dataset_version_id bigint references dataset_version (id),
    created_at         timestamptz not null default now(),
    unique (use_case_id, name)
);
alter table interaction add constraint interaction_model_version_fk foreign key (model_version_id) references model_version (id);

create table model_alias (
    use_case_id       bigint      not null references use_case (id),
    alias             text        not null check (alias in ('champion', 'challenger')),
    model_version_id  bigint      not null references model_version (id),
    prompt_version_id bigint      not null references prompt_version (id),
    updated_by        text        not null,
    updated_at        timestamptz not null default now(),
    primary key (use_case_id, alias)
);

create table model_alias_history (
    id                bigserial primary key,
    use_case_id       bigint      not null references use_case (id),
    alias             text        not null,
    model_version_id  bigint      not null references model_version (id),
    prompt_version_id bigint      not null references prompt_version (id),
    run_id            uuid references lifecycle_run (id),
    changed_by        text        not null,
    changed_at        timestamptz not null default now()
);

create table eval_run (
    id                 bigserial primary key,
    run_id             uuid references lifecycle_run (id),
    use_case_id        bigint      not null references use_case (id),
    role               text        not null check (role in ('PROMPT_ITERATION', 'CHAMPION', 'CANDIDATE')),
    model_version_id   bigint      not null references model_version (id),
    prompt_version_id  bigint      not null references prompt_version (id),
    eval_set           text        not null,      -- 'eval-set' or 'dataset:<id>:test'
    examples           integer     not null,
    accuracy           numeric(6,5) not null,
    macro_f1           numeric(6,5) not null,
    prompt_tokens      bigint      not null default 0,
    latency_ms_p50     numeric(10,3),
    confusion          jsonb       not null default '{}',
    created_at         timestamptz not null default now()
);

create table eval_result (
    eval_run_id bigint  not null references eval_run (id),
    label       text    not null,
    precision   numeric(6,5) not null,
    recall      numeric(6,5) not null,
    f1          numeric(6,5) not null,
    support     integer not null,
    primary key (eval_run_id, label)
);

create table decision (
    id         bigserial primary key,
    run_id     uuid        not null unique references lifecycle_run (id),
    decision   text        not null check (decision in ('FINE_TUNE', 'KEEP_PROMPTING')),
    rationale  text        not null,
    inputs     jsonb       not null,
    created_at timestamptz not null default now()
);

create table approval (
    id           uuid        primary key,
    run_id       uuid        not null references lifecycle_run (id),
    gate_type    text        not null check (gate_type in ('DATASET_RELEASE', 'MODEL_PROMOTION')),
    status       text        not null check (status in ('PENDING', 'APPROVED', 'REJECTED')),
    requested_by text        not null,
    evidence     jsonb       not null,
    decided_by   text,
    decided_at   timestamptz,
    comment      text,
    created_at   timestamptz not null default now(),
    check ((status = 'PENDING') = (decided_by is null))
);
create unique index approval_one_pending_gate on approval (run_id, gate_type) where status = 'PENDING';

-- Messages to Zeebe written in the same transaction as the state change they announce.
create table outbox_message (
    id              bigserial primary key,
    message_name    text        not null,
    correlation_key text        not null,
    variables       jsonb       not null,
    created_at      timestamptz not null default now(),
    published_at    timestamptz,
    attempts        integer     not null default 0,
    last_error      text
);
create index outbox_unpublished_idx on outbox_message (id) where published_at is null;

create table audit_event (
    id          bigserial primary key,
    occurred_at timestamptz not null default now(),
    actor       text        not null,
    action      text        not null,
    entity_type text        not null,
    entity_id   text        not null,
    run_id      uuid,
    details     jsonb       not null default '{}'
);
create index audit_event_run_idx on audit_event (run_id);

-- The audit trail is append-only: no update or delete, whoever asks.
create function audit_event_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_event is append-only';
end;
$$;
create trigger audit_event_no_update before update or delete on audit_event
    for each statement execute function audit_event_is_append_only();
