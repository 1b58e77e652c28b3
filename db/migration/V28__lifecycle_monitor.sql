-- The monitor process (lifecycle-monitor): per use case, a timer loop of drift checks over the gateway traffic
-- and feedback; a tripped check starts the next lifecycle run with its evidence.

-- One row per use case that is (or was) watched: its settings and the process instance watching it now.
create table use_case_monitor (
    use_case_id          bigint      primary key references use_case (id),
    enabled              boolean     not null default true,
    check_interval       text,                       -- ISO-8601 duration; null: lifecycle.monitor.interval
    process_instance_key bigint,                     -- the instance watching now (null: none)
    started_at           timestamptz,                -- when that instance started: the first window's start
    updated_by           text        not null,
    updated_at           timestamptz not null default now()
);

-- Every check with every signal, its reference, threshold and whether it tripped.
create table drift_check (
    id                   bigserial   primary key,
    use_case_id          bigint      not null references use_case (id),
    source               text        not null check (source in ('MONITOR', 'WEBHOOK', 'API')),
    job_key              bigint      unique,         -- the check's job: a retried job records nothing twice
    process_instance_key bigint,
    model_version_id     bigint,                     -- the champion watched
    window_start         timestamptz not null,
    window_end           timestamptz not null,
    interactions         bigint      not null default 0,   -- in the window (all of them, not the sample)
    sampled              integer     not null default 0,   -- rows read for the sampled signals
    evaluated            boolean     not null,             -- false: too little traffic; the next check widens the window
    tripped              boolean     not null,
    signals              jsonb       not null,              -- [{name, group, value, reference, threshold, tripped, ...}]
    duration_ms          integer,
    run_id               uuid references lifecycle_run (id),  -- the run it started (or the open run it found)
    run_started          boolean,                               -- true: started by this check; false: one was open
    created_at           timestamptz not null default now()
);
create index drift_check_use_case_idx on drift_check (use_case_id, id desc);

-- The drift evidence a run was started with (by the monitor or a drift.alert webhook): shown on the run and review.
alter table lifecycle_run add column drift jsonb;
