-- "Request changes": a reviewer sends a run back to its prompt or dataset stage. The stages after it then run
-- again as a new revision of the same run, so their rows are unique per (run, revision), not per run.
alter table approval drop constraint approval_status_check;
alter table approval add constraint approval_status_check
    check (status in ('PENDING', 'APPROVED', 'REJECTED', 'CHANGES_REQUESTED'));
alter table approval add column change_target text check (change_target in ('PROMPT', 'DATASET'));

alter table lifecycle_run drop constraint lifecycle_run_status_check;
alter table lifecycle_run add constraint lifecycle_run_status_check
    check (status in ('RUNNING', 'AWAITING_APPROVAL', 'AWAITING_CHANGES', 'COMPLETED', 'REJECTED', 'FAILED',
                      'INTERRUPTED'));
alter table lifecycle_run add column revision integer not null default 0;

alter table dataset_version add column revision integer not null default 0;
alter table dataset_version drop constraint dataset_version_run_id_key;
alter table dataset_version add constraint dataset_version_run_revision_key unique (run_id, revision);

alter table fine_tune_job add column revision integer not null default 0;
alter table fine_tune_job drop constraint fine_tune_job_run_id_key;
alter table fine_tune_job add constraint fine_tune_job_run_revision_key unique (run_id, revision);

alter table decision add column revision integer not null default 0;
alter table decision drop constraint decision_run_id_key;
alter table decision add constraint decision_run_revision_key unique (run_id, revision);
