-- Cost and break-even: what training cost (a cost that cannot be known stays null, the basis says why), the use
-- case's declared request volume, and room for the microdollar costs of local calls in the interaction log.

alter table fine_tune_job add column training_cost_usd   numeric(14,6);
alter table fine_tune_job add column training_seconds    numeric(14,3);
alter table fine_tune_job add column training_cost_basis text;

-- requests a month the use case expects; measured gateway traffic (the last 30 days) wins when there is any
alter table use_case add column monthly_requests integer check (monthly_requests >= 0);

-- a local call costs its latency at the compute-hour rate: a fraction of a microdollar, which 6 decimals round to 0
alter table interaction alter column cost_usd type numeric(18,10);
