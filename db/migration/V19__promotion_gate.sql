-- Issue 17, the statistical promotion gate: a use case may ask for a minimum gain on its primary metric (null:
-- the configured default lifecycle.evaluation.minimum-gain), and every gate verdict is kept with its statistics.
alter table use_case add column minimum_gain numeric(5,4) check (minimum_gain between 0 and 1);

-- one verdict per run revision (a run sent back by a reviewer is gated again); details = the whole gate JSON
create table gate_result (
    id                        bigserial primary key,
    run_id                    uuid        not null references lifecycle_run (id),
    revision                  integer     not null,
    attempt                   integer     not null,
    verdict                   text        not null check (verdict in ('PROMOTE', 'KEEP_CHAMPION', 'INCONCLUSIVE')),
    metric                    text        not null,
    difference                numeric(8,5) not null,
    ci_low                    numeric(8,5) not null,
    ci_high                   numeric(8,5) not null,
    p_value                   double precision,
    test                      text        not null,
    minimum_detectable_effect numeric(8,5),
    details                   jsonb       not null,
    created_at                timestamptz not null default now(),
    unique (run_id, revision)
);
