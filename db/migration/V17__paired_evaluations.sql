-- Issue 17, same sets: the baseline is also evaluated on the test split (role BASELINE), and every evaluation
-- carries the 95 % bootstrap confidence interval of its primary metric.
alter table eval_run drop constraint eval_run_role_check;
alter table eval_run add constraint eval_run_role_check
    check (role in ('PROMPT_ITERATION', 'BASELINE', 'CHAMPION', 'CANDIDATE'));
alter table eval_run add column ci_low numeric(6,5);
alter table eval_run add column ci_high numeric(6,5);
