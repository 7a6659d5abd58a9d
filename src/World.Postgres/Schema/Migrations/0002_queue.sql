-- World schema, version 2: the durable queue and its dead-letter store.
-- Live messages only: completion deletes the row, dead-lettering moves it, so the hot table stays small.

CREATE TABLE {schema}.queue_messages (
    message_id       text COLLATE "C" PRIMARY KEY,
    queue_name       text COLLATE "C" NOT NULL,
    payload          bytea NOT NULL,
    headers          bytea,          -- JSON object, null when empty
    priority         integer NOT NULL,
    idempotency_key  text,
    idempotency_hash bytea,          -- SHA-256 of queue name, NUL, key: unique among live messages
    max_attempts     integer NOT NULL,
    attempt          integer NOT NULL DEFAULT 0,
    failures         integer NOT NULL DEFAULT 0,
    last_error       bytea,          -- JSON StructuredError
    enqueued_at      timestamptz NOT NULL,
    available_at     timestamptz NOT NULL,
    lease_id         text COLLATE "C",
    lease_owner      text,
    lease_expires_at timestamptz
) WITH (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.02);

-- The claim: available messages of a queue by priority, then availability.
CREATE INDEX queue_messages_ready ON {schema}.queue_messages (queue_name, priority DESC, available_at, message_id) WHERE lease_id IS NULL;
-- The reclaim of expired leases.
CREATE INDEX queue_messages_leased ON {schema}.queue_messages (lease_expires_at) WHERE lease_id IS NOT NULL;
CREATE UNIQUE INDEX queue_messages_idempotency ON {schema}.queue_messages (idempotency_hash) WHERE idempotency_hash IS NOT NULL;

CREATE TABLE {schema}.dead_letters (
    message_id       text COLLATE "C" PRIMARY KEY,
    queue_name       text COLLATE "C" NOT NULL,
    payload          bytea NOT NULL,
    headers          bytea,
    priority         integer NOT NULL,
    idempotency_key  text,
    idempotency_hash bytea,
    max_attempts     integer NOT NULL,
    attempts         integer NOT NULL,
    failures         integer NOT NULL,
    reason           bytea NOT NULL, -- JSON StructuredError: the last failure
    enqueued_at      timestamptz NOT NULL,
    dead_lettered_at timestamptz NOT NULL
);

CREATE INDEX dead_letters_by_queue ON {schema}.dead_letters (queue_name, message_id);
