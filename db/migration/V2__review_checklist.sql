-- Reviewer console: what a reviewer ticked, on which evidence, and gate escalation.
alter table approval add column checklist       jsonb;
alter table approval add column evidence_sha256 char(64);
alter table approval add column escalated_at    timestamptz;
