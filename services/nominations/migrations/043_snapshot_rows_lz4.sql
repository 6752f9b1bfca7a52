-- A snapshot's table is written once, when the job appends it, and read whole. With pglz, compressing
-- a year's national table (about 11 MB of JSON for 40,000 units) took as long as ~100 ms of the job;
-- lz4 does it several times faster (and reads back faster) for a slightly larger result. Values
-- already stored keep their compression. A server built without lz4 (the embedded PostgreSQL that
-- `make test` starts on a bare machine is one) keeps pglz: the job is slower there, not wrong.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings
                WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE ranking_snapshots ALTER COLUMN rows SET COMPRESSION lz4;
    END IF;
END
$$;
