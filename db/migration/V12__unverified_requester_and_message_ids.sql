-- A run started through the engine (Modeler, Tasklist, any gRPC client: no runId variable) names its requester
-- itself, unchecked. Such a run records that its requester is unverified, and its gates need more reviewers.
alter table lifecycle_run add column requester_verified boolean not null default true;

-- Runs the engine registered before this migration: their RUN_STARTED event says where they came from.
update lifecycle_run r set requester_verified = false
where exists (select 1 from audit_event e
              where e.run_id = r.id and e.action = 'RUN_STARTED' and e.details->>'startedFrom' = 'engine');

-- A gate's policy, fixed when its review opens: whether the requester was verified, how many distinct reviewers
-- (none of them the requester) must approve it.
alter table approval add column requester_verified boolean not null default true;
alter table approval add column required_approvals integer not null default 1 check (required_approvals >= 1);

update approval a set requester_verified = false
from lifecycle_run r where r.id = a.run_id and not r.requester_verified;
-- gates still open take the new policy; decided ones keep the one they were decided under
update approval set required_approvals = 2 where not requester_verified and status = 'PENDING';

-- Every reviewer's decision on a gate, one per reviewer. The gate (approval) is decided by the vote that completes
-- the required approvals, or at once by a rejection or a change request.
create table approval_vote (
    id              bigserial   primary key,
    approval_id     uuid        not null references approval (id),
    reviewer        text        not null,
    decision        text        not null check (decision in ('APPROVE', 'REJECT', 'REQUEST_CHANGES')),
    comment         text,
    checklist       jsonb,
    evidence_sha256 char(64)    not null,
    change_target   text        check (change_target in ('PROMPT', 'DATASET')),
    decided_at      timestamptz not null default now()
);
create unique index approval_vote_one_per_reviewer on approval_vote (approval_id, lower(reviewer));

-- The Zeebe message id of an outbox message: random, so that nobody on the engine's gateway can guess it and
-- publish a message under it first (Zeebe refuses a second message with the same name, correlation key and id
-- while the first is buffered, and the real one would be taken for already published). Was "outbox-<id>".
alter table outbox_message add column message_id uuid not null default gen_random_uuid();
