-- World schema, version 6: queue inspection.
-- Consumers report their queues, capacity and load with a time to live, so "why is this message not running?" can
-- tell "no consumer" from "consumers at capacity". Lapsed rows are pruned by every report.

CREATE TABLE {schema}.queue_consumers (
    consumer_id  text COLLATE "C" PRIMARY KEY,
    queue_names  text[] NOT NULL,
    capacity     integer NOT NULL CHECK (capacity >= 1),
    in_flight    integer NOT NULL CHECK (in_flight >= 0 AND in_flight <= capacity),
    reported_at  timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);

-- The dispatch status of a run's invocation is looked up by its idempotency key, in the dead letters too.
CREATE INDEX dead_letters_by_idempotency ON {schema}.dead_letters (idempotency_hash, message_id) WHERE idempotency_hash IS NOT NULL;
