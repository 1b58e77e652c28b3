-- Issue 19, right to erasure and retention. A data subject's interactions and feedback can be deleted; every
-- dataset version whose lineage held them is TAINTED (dataset_version.tainted, V1) and its split files rewritten
-- without them; every model trained on a tainted dataset is TAINTED too: it cannot be promoted, and a tainted
-- champion is flagged until a retrained model replaces it.
alter table model_version add column tainted boolean not null default false;
alter table model_version add column tainted_at timestamptz;
alter table dataset_version add column tainted_at timestamptz;

-- An artifact whose file was deleted by an erasure or retention (its content held erased rows). The row stays for
-- lineage (a model's weights name the splits they were trained on); a file still on disk for such a row is deleted
-- by the next erasure or retention pass (a crash between commit and deletion leaves nothing behind for long).
alter table artifact add column erased_at timestamptz;

-- Each erasure, keyed by the sha256 of the subject id: the record proves the erasure without keeping the id. A
-- second request for the same subject answers the recorded counts (plus whatever arrived since).
create table subject_erasure (
    subject_sha256 char(64)    primary key,
    result         jsonb       not null,
    requested_by   text        not null,
    requests       integer     not null default 1,
    first_erased_at timestamptz not null default now(),
    last_erased_at  timestamptz not null default now()
);

create index interaction_subject_idx on interaction (subject_id) where subject_id is not null;

-- Per use case: how long interactions and their feedback are kept (ISO-8601 duration, e.g. P365D); null: kept.
alter table use_case add column retention_period text;
