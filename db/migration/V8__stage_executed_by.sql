-- Which app instance ran a stage: several instances share one engine and one database (jobs spread across them).
alter table run_stage add column executed_by text;
