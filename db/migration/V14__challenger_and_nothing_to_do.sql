-- The challenger alias belongs to the run whose candidate waits for its review: cleared when that run stops
-- (rejected, cancelled, failed, interrupted, champion kept) without touching another run's challenger.
alter table model_alias add column run_id uuid;
update model_alias a set run_id = (select h.run_id from model_alias_history h
                                   where h.use_case_id = a.use_case_id and h.alias = a.alias
                                   order by h.id desc limit 1);
-- a challenger left behind by a run that has already stopped (the canary bug) is not pending any more
delete from model_alias a where a.alias = 'challenger'
   and not exists (select 1 from lifecycle_run r where r.id = a.run_id
                   and r.status in ('RUNNING', 'AWAITING_APPROVAL', 'AWAITING_CHANGES'));
-- the canary share of a use case without a pending challenger would apply to the next one unannounced
update gateway_route g set canary_share = 0
 where not exists (select 1 from model_alias a where a.use_case_id = g.use_case_id and a.alias = 'challenger');

-- The decide stage may find nothing to do: the fine-tuned champion meets the target, or no new labelled feedback.
alter table decision drop constraint decision_decision_check;
alter table decision add constraint decision_decision_check
    check (decision in ('FINE_TUNE', 'KEEP_PROMPTING', 'NOTHING_TO_DO'));
