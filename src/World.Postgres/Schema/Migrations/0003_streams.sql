-- World schema, version 3: run output streams.
-- A stream is identified by stream_id = SHA-256(run id, NUL, name): names may be long, keys stay small.

CREATE TABLE {schema}.streams (
    stream_id   bytea PRIMARY KEY,
    run_id      text COLLATE "C" NOT NULL,
    name        text COLLATE "C" NOT NULL,
    chunk_count integer NOT NULL,   -- the next chunk's index; chunks 0..chunk_count-1 exist
    closed      boolean NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- Listing a run's streams, and removing a run's stream data with the run (retention).
CREATE INDEX streams_by_run ON {schema}.streams (run_id);

CREATE TABLE {schema}.stream_chunks (
    stream_id   bytea NOT NULL REFERENCES {schema}.streams (stream_id) ON DELETE CASCADE,
    chunk_index integer NOT NULL,
    data        bytea NOT NULL,
    PRIMARY KEY (stream_id, chunk_index)
);
