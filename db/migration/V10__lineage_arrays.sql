-- Dataset lineage as one sorted array of feedback ids per split instead of one row per example: a dataset of a
-- million examples was a million rows, each checked against two foreign keys and added to two indexes, which took
-- 60 % of the dataset build (BENCHMARKS.md). Feedback rows are never deleted, so the array needs no foreign key.
create table dataset_split_feedback (
    dataset_version_id bigint   not null references dataset_version (id),
    split              text     not null check (split in ('train', 'validation', 'test')),
    feedback_ids       bigint[] not null,
    primary key (dataset_version_id, split)
);

insert into dataset_split_feedback (dataset_version_id, split, feedback_ids)
select dataset_version_id, split, array_agg(feedback_id order by feedback_id)
from dataset_version_feedback
group by dataset_version_id, split;

drop table dataset_version_feedback;

-- The row-per-example shape, for reading (reports, ad-hoc SQL): the same columns as the table it replaces.
create view dataset_version_feedback as
select s.dataset_version_id, l.feedback_id, s.split
from dataset_split_feedback s
cross join lateral unnest(s.feedback_ids) as l (feedback_id);
