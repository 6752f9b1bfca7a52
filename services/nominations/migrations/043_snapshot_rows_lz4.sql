-- A snapshot's table is written once, when the job appends it, and read whole. With pglz, compressing
-- a year's national table (about 11 MB of JSON for 40,000 units) took as long as ~100 ms of the job;
-- lz4 does it several times faster (and reads back faster) for a slightly larger result. Values
-- already stored keep their compression.
ALTER TABLE ranking_snapshots ALTER COLUMN rows SET COMPRESSION lz4;
