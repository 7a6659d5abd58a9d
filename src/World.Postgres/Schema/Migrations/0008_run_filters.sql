-- World schema, version 7: run filters.
-- Run listings filter by attribute (parent run, schedule, any key) and by creation time (the admin API, the CLI).

-- The attributes column holds a JSON object as UTF-8 bytes. convert_from is only STABLE (it depends on the server
-- encoding, fixed for a database), so an index needs this IMMUTABLE wrapper; reads use the same function so the
-- index serves them. Attribute keys and values are validated text without NUL, so every stored object converts.
-- A quoted body, not a SQL-standard one, so PostgreSQL 11 to 13 accept it too.
CREATE FUNCTION {schema}.run_attributes_json(attributes bytea) RETURNS jsonb
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS 'SELECT convert_from(attributes, ''UTF8'')::jsonb';

CREATE INDEX runs_by_attributes ON {schema}.runs USING gin ({schema}.run_attributes_json(attributes) jsonb_path_ops) WHERE attributes IS NOT NULL;

CREATE INDEX runs_by_created_at ON {schema}.runs (created_at, run_id);
