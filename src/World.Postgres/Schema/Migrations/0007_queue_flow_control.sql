-- World schema, version 7: queue flow control (docs/flow-control.md).
-- A message may carry a concurrency key; a queue may have a policy: concurrency caps (per queue, per key), a token
-- bucket, a pause and a maximum backlog. Claims of a queue whose policy gates claims lock its policy row first, so the
-- caps and the bucket hold across every process; other queues are claimed exactly as before.

ALTER TABLE {schema}.queue_messages ADD COLUMN concurrency_key text;
ALTER TABLE {schema}.dead_letters ADD COLUMN concurrency_key text;

CREATE TABLE {schema}.queue_policies (
    queue_name      text COLLATE "C" PRIMARY KEY,
    max_concurrency integer CHECK (max_concurrency >= 1),
    max_per_key     integer CHECK (max_per_key >= 1),
    rate_limit      integer CHECK (rate_limit >= 1),
    rate_period_ms  bigint CHECK (rate_period_ms >= 1),
    rate_burst      integer CHECK (rate_burst >= 1),
    tokens          double precision NOT NULL,  -- the bucket as of tokens_at (FlowRules.Refill)
    tokens_at       timestamptz NOT NULL,
    paused          boolean NOT NULL,
    max_backlog     integer CHECK (max_backlog >= 1),
    gates_claims    boolean NOT NULL           -- FlowRules.GatesClaims: paused, a cap or a rate limit
);

-- The backlog limit, checked after an enqueue's rows are written and before it commits: it locks the queue's policy
-- row (so concurrent enqueues count one after the other, each statement seeing the others' commits) and refuses the
-- whole enqueue with SQLSTATE WQ001 when it added messages beyond the limit (FlowRules.AdmitEnqueue). new_ids are the
-- enqueue's fresh message ids: a duplicate that merged into a live message keeps that message's id and adds nothing.
CREATE FUNCTION {schema}.queue_admit(queue text, new_ids text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    cap integer;
    added bigint;
    live bigint;
BEGIN
    SELECT max_backlog INTO cap FROM {schema}.queue_policies WHERE queue_name = queue AND max_backlog IS NOT NULL FOR UPDATE;
    IF cap IS NULL THEN
        RETURN;
    END IF;
    SELECT count(*) INTO added FROM {schema}.queue_messages WHERE message_id = ANY(new_ids);
    IF added = 0 THEN
        RETURN;
    END IF;
    SELECT count(*) INTO live FROM {schema}.queue_messages WHERE queue_name = queue;
    IF live > cap THEN
        RAISE EXCEPTION USING ERRCODE = 'WQ001', MESSAGE = 'queue full', DETAIL = (live - added)::text, HINT = cap::text;
    END IF;
END
$$;
