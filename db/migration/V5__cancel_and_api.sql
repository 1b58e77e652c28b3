-- Cancelling a run (REST API): the run, its pending approvals and its unfinished fine-tuning job end as CANCELLED.
alter table lifecycle_run drop constraint lifecycle_run_status_check;
alter table lifecycle_run add constraint lifecycle_run_status_check
    check (status in ('RUNNING', 'AWAITING_APPROVAL', 'AWAITING_CHANGES', 'COMPLETED', 'REJECTED', 'FAILED',
                      'INTERRUPTED', 'CANCELLED'));

alter table approval drop constraint approval_status_check;
alter table approval add constraint approval_status_check
    check (status in ('PENDING', 'APPROVED', 'REJECTED', 'CHANGES_REQUESTED', 'CANCELLED'));

-- Reads of the REST API: feedback by prompt version, runs by use case and status, fine-tune callbacks by job id.
create index interaction_prompt_version_idx on interaction (prompt_version_id);
create index lifecycle_run_use_case_created_idx on lifecycle_run (use_case_id, created_at desc);
create index fine_tune_job_external_idx on fine_tune_job (provider, external_id);
create index dataset_version_feedback_feedback_idx on dataset_version_feedback (feedback_id);
