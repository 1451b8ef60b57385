-- One delivery of a webhook's archive (lib/archive.lua), by its ID: a field of the hash (recordLayout 3) or
-- an item of the list, found by scanning the list around the time of the delivery's event.
-- KEYS[1]  the archive's list (whl)   KEYS[2]  its hash (wha)
-- ARGV     delivery ID, project, webhook
-- Returns  the record as a key of its own would hold it, false when the archive does not hold it
-- uses: records, indexes, archive
return archiveLookup(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3]) or false
