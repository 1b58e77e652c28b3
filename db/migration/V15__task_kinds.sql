-- Task kinds (issue 16): a use case classifies, extracts a JSON object, or generates a text. Its output contract
-- (labels; output schema and field rules; rubric; the scorers and judge its evaluations use) is versioned with
-- the use case: every evaluation names the contract version it was scored against.
alter table use_case add column task text not null default 'CLASSIFICATION'
    check (task in ('CLASSIFICATION', 'EXTRACTION', 'GENERATION'));

create table use_case_contract (
    id            bigserial primary key,
    use_case_id   bigint      not null references use_case (id),
    version       integer     not null check (version >= 1),
    labels        jsonb       not null default '[]',   -- classification: [{"label", "description"}]
    output_schema jsonb,                               -- extraction: JSON Schema draft 2020-12
    field_rules   jsonb       not null default '{}',   -- extraction: {"field": {"match", "tolerance", "critical"}}
    rubric        jsonb       not null default '[]',   -- generation: [{"name", "criterion"}]
    scorers       jsonb       not null default '[]',   -- [{"type", "name", ...params}] beyond the kind's defaults
    judge         jsonb,                               -- {"provider", "model"}: the chat model that grades rubrics
    created_by    text        not null,
    created_at    timestamptz not null default now(),
    unique (use_case_id, version)
);
insert into use_case_contract (use_case_id, version, labels, created_by)
select id, 1, labels, 'migration' from use_case;
alter table use_case drop column labels;

-- an evaluation example's expected output: a label, a JSON object (as its text) or a reference text
alter table eval_example rename column label to expected;

-- prompt versions become chat templates: the instruction is the system message, the input template the user turn,
-- a few-shot example's label its output (the sha256 is recomputed by the Java migration that follows)
update prompt_version
   set spec = jsonb_build_object(
           'messages', case when coalesce(spec ->> 'instruction', '') = ''
                            then jsonb_build_array(jsonb_build_object('role', 'user', 'content', spec ->> 'inputTemplate'))
                            else jsonb_build_array(jsonb_build_object('role', 'system', 'content', spec ->> 'instruction'),
                                                   jsonb_build_object('role', 'user', 'content', spec ->> 'inputTemplate'))
                       end,
           'fewShot', coalesce((select jsonb_agg(jsonb_build_object('input', e ->> 'input', 'output', e -> 'label'))
                                  from jsonb_array_elements(spec -> 'fewShot') e), '[]'::jsonb),
           'labelDescriptions', coalesce((spec ->> 'labelDescriptions')::boolean, false),
           'settings', '{}'::jsonb,
           'responseFormat', 'text')
 where spec ? 'instruction';

-- every evaluation: its primary metric (accuracy, strict record match, rubric pass rate, ...), the scorer
-- summaries, and the contract version it was scored against; accuracy / macro-F1 are classification's
alter table eval_run add column task text not null default 'CLASSIFICATION';
alter table eval_run add column primary_metric text not null default 'accuracy';
alter table eval_run add column primary_value numeric(6,5);
alter table eval_run add column metrics jsonb not null default '{}';
alter table eval_run add column contract_version integer;
update eval_run set primary_value = accuracy;
alter table eval_run alter column primary_value set not null;
alter table eval_run alter column accuracy drop not null;
alter table eval_run alter column macro_f1 drop not null;

-- per example: what went in, what was expected, what came out, and each scorer's verdict
create table eval_example_result (
    id           bigserial primary key,
    eval_run_id  bigint      not null references eval_run (id),
    position     integer     not null,
    input        text        not null,
    expected     text,
    output       text,
    passed       boolean     not null,
    value        numeric(8,5),
    verdicts     jsonb       not null,
    latency_ms   numeric(12,3),
    cost_usd     numeric(14,8),
    unique (eval_run_id, position)
);

-- judge calls (llm-rubric, pairwise) are model calls too, priced and logged, but of no prompt or model version
alter table model_call add column purpose text not null default 'EVALUATION' check (purpose in ('EVALUATION', 'JUDGE'));
alter table model_call alter column prompt_version_id drop not null;
alter table model_call alter column model_version_id drop not null;

-- a correction keeps the output it replaced (a preference pair: corrected preferred, original not)
alter table feedback add column original_output text;
update feedback f set original_output = i.output from interaction i where i.id = f.interaction_id;

-- extraction answers that do not satisfy the schema are served as they are and recorded as failures
alter table interaction add column output_valid boolean;
alter table interaction add column output_errors jsonb;

-- the dataset stage also writes preference pairs (OpenAI's DPO JSONL) and counts examples it had to exclude
alter table dataset_version add column preference_artifact_id bigint references artifact (id);
alter table dataset_version add column preference_pairs integer not null default 0;
alter table dataset_version add column excluded_invalid integer not null default 0;
