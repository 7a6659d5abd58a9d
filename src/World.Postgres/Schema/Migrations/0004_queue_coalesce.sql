-- World schema, version 4: coalescing enqueues.
-- A coalescing enqueue that meets a leased message with its idempotency key sets rerun; the holder's completion or
-- release then makes the message available again at once instead of removing it, so the signal is not lost.

ALTER TABLE {schema}.queue_messages ADD COLUMN rerun boolean NOT NULL DEFAULT false;
