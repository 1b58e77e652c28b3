-- Gateway calls the interaction log could not store: text PostgreSQL cannot hold (U+0000, an unpaired surrogate)
-- or a row the database refused. Kept here, losslessly, instead of blocking every later call behind them.
-- Owned by the gateway module.
create table interaction_quarantine (
    id             bigserial   primary key,
    call_id        uuid        not null unique,  -- the id the caller got (X-Lifecycle-Interaction-Id)
    use_case_id    bigint      not null,         -- no foreign key: a vanished reference can be why it is here
    -- the interaction row's columns by name; every non-ASCII character written as \uXXXX, so U+0000 survives
    -- (json, not jsonb: jsonb refuses \u0000)
    payload        json        not null,
    sql_state      text,                         -- the database's refusal (e.g. 23514); null: refused before the insert
    reason         text        not null,
    quarantined_at timestamptz not null default now()
);
create index interaction_quarantine_use_case_idx on interaction_quarantine (use_case_id, quarantined_at);
