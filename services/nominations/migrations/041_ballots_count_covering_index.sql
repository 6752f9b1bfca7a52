-- The count at the close reads only (round_id, choices): with the choices in the index, the
-- count is an index-only scan over the round's ballots once the table is vacuumed (as it is after
-- the close's rewrite and autovacuum). It replaces the plain round index.
CREATE INDEX ballots_round_choices ON ballots (round_id) INCLUDE (choices);
DROP INDEX ballots_round;
