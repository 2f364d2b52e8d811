-- Issue 13: purge <run-id> / purge --before=DATE clears a run's personal values (before-images,
-- write proofs, rejection reasons, mismatch values) and keeps its counts; a purged run can no
-- longer be rolled back. Shared by H2 and PostgreSQL: portable SQL only.
ALTER TABLE bridge_run ADD COLUMN purged_at TIMESTAMP;
