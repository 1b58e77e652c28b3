-- Issue 17, leakage-aware split: near-duplicate inputs (MinHash of 5-character shingles, Jaccard >= 0.7) are
-- grouped and each group is kept in one split; what still leaks is measured after the split. Null on versions
-- built before this migration: not measured.
alter table dataset_version
    add column leakage_method                text,
    add column leakage_threshold             numeric(4,3),
    add column near_duplicate_groups         integer,  -- groups of two or more rows
    add column near_duplicate_rows           integer,  -- rows in such groups
    add column large_groups_to_train         integer,  -- groups too large for a held-out split
    add column leakage_test_rows_checked     integer,  -- the audit's test rows (all, or a seeded sample)
    add column near_duplicates_across_splits integer,  -- checked test rows with a near-duplicate in another split
    add column test_overlap_rate             numeric(6,5), -- share of checked test rows with one in train
    add column leakage_flag_threshold        numeric(4,3);

-- Each row's near-duplicate group (the feedback id of the group's first row), parallel to feedback_ids.
alter table dataset_split_feedback add column group_keys bigint[];
alter table dataset_split_feedback alter column group_keys set storage external;

-- The row-per-example view gains the row's position in its split file (the files are written in feedback id
-- order, as feedback_ids is sorted) and a cluster key for the gate's clustered bootstrap: the data subject where
-- the interaction names one (a person's examples share their wording and their account's facts), else the
-- near-duplicate group; null where neither is known.
create or replace view dataset_version_feedback as
select s.dataset_version_id, l.feedback_id, s.split, (l.ordinal - 1)::integer as position,
       coalesce('subject:' || i.subject_id, 'near-duplicate:' || s.group_keys[l.ordinal]) as cluster_key
from dataset_split_feedback s
cross join lateral unnest(s.feedback_ids) with ordinality as l (feedback_id, ordinal)
left join feedback f on f.id = l.feedback_id
left join interaction i on i.id = f.interaction_id;
