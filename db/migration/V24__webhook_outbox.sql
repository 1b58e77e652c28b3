-- Webhook intake decoupled from the engine (transactional outbox): a run.start delivery commits its run (QUEUED),
-- its start request and its idempotency row in one transaction; a dispatcher creates the process instance later.
alter table lifecycle_run drop constraint lifecycle_run_status_check;
alter table lifecycle_run add constraint lifecycle_run_status_check
    check (status in ('QUEUED', 'RUNNING', 'AWAITING_APPROVAL', 'AWAITING_CHANGES', 'COMPLETED', 'REJECTED',
                      'FAILED', 'INTERRUPTED', 'CANCELLED'));

-- One row per queued run, dispatched once: locked with "for update skip locked", marked dispatched (with the
-- process instance key) in the transaction that locked it; a refused create is retried after next_attempt_at.
create table run_start_request (
    run_id               uuid        primary key references lifecycle_run (id),
    use_case_key         text        not null,
    started_by           text        not null,
    created_at           timestamptz not null default now(),
    attempts             integer     not null default 0,
    next_attempt_at      timestamptz not null default now(),
    last_error           text,
    dispatched_at        timestamptz,
    process_instance_key bigint
);
create index run_start_request_pending_idx on run_start_request (next_attempt_at) where dispatched_at is null;

-- Idempotency edge cases: the same key with another body is refused (422), and a delivery left unanswered (its
-- process crashed) is taken over once its lease (claimed_at + lifecycle.webhooks.delivery-lease) has passed.
alter table webhook_delivery add column request_sha256 text;
alter table webhook_delivery add column claimed_at timestamptz;
update webhook_delivery set claimed_at = received_at;
alter table webhook_delivery alter column claimed_at set not null;
alter table webhook_delivery alter column claimed_at set default now();
