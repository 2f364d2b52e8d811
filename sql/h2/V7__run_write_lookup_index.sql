-- H2 only (see V5): a chunk looks its proofs up by "cliniko_id IN (...)", which H2 serves only
-- from an index whose first column is cliniko_id. PostgreSQL uses run_write_once.
CREATE INDEX run_write_cliniko ON run_write (cliniko_id);
