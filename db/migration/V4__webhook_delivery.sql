-- Webhook deliveries by idempotency key: a retried delivery gets the first answer and starts nothing twice.
create table webhook_delivery (
    id              bigserial primary key,
    source          text        not null,
    idempotency_key text        not null,
    event_type      text        not null,
    status_code     integer,
    response        text,              -- the exact JSON answer, replayed byte for byte
    received_at     timestamptz not null default now(),
    answered_at     timestamptz,
    unique (source, idempotency_key)
);
