-- The OpenAI-compatible gateway: per-application API keys, canary routes, and its calls logged as interactions.

create table gateway_api_key (
    id          bigserial primary key,
    name        text        not null,
    key_prefix  text        not null,            -- shown in listings, e.g. "llk_3f9a"
    key_sha256  char(64)    not null unique,     -- the key itself is shown once, at creation
    use_case_id bigint references use_case (id), -- null: every use case
    created_by  text        not null,
    created_at  timestamptz not null default now(),
    revoked_by  text,
    revoked_at  timestamptz
);

create table gateway_route (
    use_case_id  bigint       primary key references use_case (id),
    canary_share numeric(5,4) not null check (canary_share between 0 and 1),
    updated_by   text         not null,
    updated_at   timestamptz  not null default now()
);

alter table interaction add column call_id uuid unique;              -- returned to the caller (X-Lifecycle-Interaction-Id)
alter table interaction add column arm text check (arm in ('champion', 'challenger'));
alter table interaction add column api_key_id bigint references gateway_api_key (id);
alter table interaction add column saved_prompt_tokens integer;      -- pruned prompt vs the prototype prompt
create index interaction_model_version_idx on interaction (model_version_id);

-- routes and keys are cached by every app instance; this tells them at commit that one changed
create function notify_gateway_change() returns trigger language plpgsql as $$
begin
    perform pg_notify('lifecycle_gateway', tg_table_name);
    return null;
end $$;
create trigger gateway_api_key_changed after insert or update or delete on gateway_api_key
    for each statement execute function notify_gateway_change();
create trigger gateway_route_changed after insert or update or delete on gateway_route
    for each statement execute function notify_gateway_change();
create trigger model_alias_changed after insert or update or delete on model_alias
    for each statement execute function notify_gateway_change();
