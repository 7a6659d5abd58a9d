-- World schema, version 1: the event log and the projections that events.create maintains in the same transaction.
-- {schema} is replaced by the quoted, validated schema name. Identifier columns use the "C" collation so that
-- ordering (cursors, ULID order) is byte order on every server, whatever its default locale.
-- Payloads and structured values are bytea: binary-exact and NUL-safe, unlike text and jsonb.

CREATE TABLE {schema}.runs (
    run_id            text COLLATE "C" PRIMARY KEY,
    status            text NOT NULL,
    deployment_id     text NOT NULL,
    workflow_name     text NOT NULL,
    spec_version      integer NOT NULL,
    execution_context bytea,          -- JSON object
    input             bytea,
    output            bytea,
    error             bytea,          -- JSON StructuredError
    attributes        bytea,          -- JSON object, null when empty
    expired_at        timestamptz,
    started_at        timestamptz,
    completed_at      timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);

-- runs.list filters by workflow name and/or status and pages by run id in either direction.
CREATE INDEX runs_by_workflow_name ON {schema}.runs (workflow_name, run_id);
CREATE INDEX runs_by_status ON {schema}.runs (status, run_id);

CREATE TABLE {schema}.events (
    run_id             text COLLATE "C" NOT NULL REFERENCES {schema}.runs (run_id) ON DELETE CASCADE,
    event_id           text COLLATE "C" NOT NULL,
    event_type         text NOT NULL,
    correlation_id     text COLLATE "C",
    data               bytea NOT NULL, -- JSON of the event data without its payload
    payload            bytea,          -- the payload (raw bytes) or error (JSON), read only when data is resolved
    unique_correlation boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL,
    spec_version       integer NOT NULL,
    PRIMARY KEY (run_id, event_id)
);

CREATE INDEX events_by_correlation ON {schema}.events (run_id, correlation_id, event_id) WHERE correlation_id IS NOT NULL;

-- Creation events are unique per (run, correlation id, type): the database's final guard behind the run lock.
CREATE UNIQUE INDEX events_unique_correlation ON {schema}.events (run_id, correlation_id, event_type) WHERE unique_correlation;

CREATE TABLE {schema}.steps (
    run_id           text COLLATE "C" NOT NULL REFERENCES {schema}.runs (run_id) ON DELETE CASCADE,
    step_id          text COLLATE "C" NOT NULL,
    step_name        text NOT NULL,
    status           text NOT NULL,
    input            bytea,
    output           bytea,
    error            bytea,           -- JSON StructuredError
    attempt          integer NOT NULL,
    started_at       timestamptz,
    completed_at     timestamptz,
    retry_after      timestamptz,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    spec_version     integer NOT NULL,
    created_event_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (run_id, step_id)
);

CREATE INDEX steps_by_creation ON {schema}.steps (run_id, created_event_id);

-- Live hooks only: a hook row is deleted when it is disposed or its run ends, which frees its token.
CREATE TABLE {schema}.hooks (
    run_id           text COLLATE "C" NOT NULL REFERENCES {schema}.runs (run_id) ON DELETE CASCADE,
    hook_id          text COLLATE "C" NOT NULL,
    token            text NOT NULL,
    token_hash       bytea NOT NULL,  -- SHA-256 of the UTF-8 token: tokens may exceed a btree entry
    owner_id         text NOT NULL,
    project_id       text NOT NULL,
    environment      text NOT NULL,
    metadata         bytea,
    is_webhook       boolean NOT NULL,
    created_at       timestamptz NOT NULL,
    spec_version     integer NOT NULL,
    created_event_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (run_id, hook_id)
);

CREATE UNIQUE INDEX hooks_live_token ON {schema}.hooks (token_hash);
CREATE INDEX hooks_by_hook_id ON {schema}.hooks (hook_id, created_event_id);
CREATE INDEX hooks_by_creation ON {schema}.hooks (created_event_id);
CREATE INDEX hooks_by_run ON {schema}.hooks (run_id, created_event_id);

-- Live waits only: deleted when their run ends.
CREATE TABLE {schema}.waits (
    run_id         text COLLATE "C" NOT NULL REFERENCES {schema}.runs (run_id) ON DELETE CASCADE,
    correlation_id text COLLATE "C" NOT NULL,
    wait_id        text NOT NULL,
    status         text NOT NULL,
    resume_at      timestamptz,
    completed_at   timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    spec_version   integer NOT NULL,
    PRIMARY KEY (run_id, correlation_id)
);
