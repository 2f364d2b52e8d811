-- H2 only. A chunk looks its records up by "object (and run) AND cliniko_id IN (...)". H2 uses an
-- IN list only on the first column of an index, so with the composite keys alone it reads every
-- row of the object (or of the run) for each chunk, and a run slows down as it grows (measured:
-- appointments from 1,790 to 508 records/s over 200,000 records). These indexes put cliniko_id
-- first. PostgreSQL uses the IN list on any column of the composite keys and needs none of them.
CREATE INDEX id_map_cliniko ON id_map (cliniko_id);
CREATE INDEX before_image_cliniko ON before_image (cliniko_id);
