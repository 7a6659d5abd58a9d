-- World schema, version 5: schedules and their fires.
-- A schedule row holds the definition (JSON, without the input) and the runtime state the shared ScheduleRules advance.
-- A fire row is one decided tick; its primary key (schedule_id, fire_key) -- fire_key is the nominal time -- is what makes
-- firing exactly-once across any number of schedulers: a tick can be inserted once, and its run id is fixed with it.

CREATE TABLE {schema}.schedules (
    schedule_id         text COLLATE "C" PRIMARY KEY,
    workflow_name       text NOT NULL,
    definition          bytea NOT NULL,   -- JSON ScheduleDefinition without the input
    input               bytea NOT NULL,
    enabled             boolean NOT NULL,
    pause_note          text,
    next_nominal_at     timestamptz,
    next_fire_at        timestamptz,
    last_nominal_at     timestamptz,
    last_fired_at       timestamptz,
    last_run_id         text COLLATE "C",
    last_outcome        text,
    buffered_nominal_at timestamptz,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);

-- The claim looks for enabled schedules that are due, need repair (no next fire time) or hold a buffered tick.
CREATE INDEX schedules_due ON {schema}.schedules (next_fire_at NULLS FIRST) WHERE enabled;
CREATE INDEX schedules_buffered ON {schema}.schedules (schedule_id) WHERE enabled AND buffered_nominal_at IS NOT NULL;
CREATE INDEX schedules_by_workflow_name ON {schema}.schedules (workflow_name, schedule_id);

CREATE TABLE {schema}.schedule_fires (
    schedule_id   text COLLATE "C" NOT NULL REFERENCES {schema}.schedules (schedule_id) ON DELETE CASCADE,
    fire_key      text COLLATE "C" NOT NULL,
    nominal_at    timestamptz NOT NULL,
    kind          smallint NOT NULL,  -- ScheduleTriggerKind
    status        smallint NOT NULL,  -- ScheduleFireStatus: 0 pending, 1 created, 2 skipped
    run_id        text COLLATE "C",
    fire_at       timestamptz NOT NULL,
    cancel_run_id text COLLATE "C",
    skip_reason   text,
    skipped_count integer NOT NULL DEFAULT 0,
    skipped_until timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    lease_owner   text,
    lease_until   timestamptz,
    created_at    timestamptz NOT NULL,
    completed_at  timestamptz,
    PRIMARY KEY (schedule_id, fire_key)
);

-- Pending fires are leased in due order; the index holds only the (few) pending ones.
CREATE INDEX schedule_fires_pending ON {schema}.schedule_fires (fire_at) WHERE status = 0;

-- A run id belongs to one fire: the runbook's "which tick created this run" and a guard against a reused id.
CREATE UNIQUE INDEX schedule_fires_by_run ON {schema}.schedule_fires (run_id) WHERE run_id IS NOT NULL;
