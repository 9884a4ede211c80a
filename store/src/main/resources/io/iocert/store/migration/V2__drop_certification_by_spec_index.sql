-- iocert store, schema version 2. Version 1's index on iocert_certification (spec_name) led
-- SQLite's planner to start a node's history from every certification of the spec (1.4 s at
-- 100,000 results) instead of from the node's results (iocert_result_by_host, then
-- iocert_certification_by_result); no query needs it.
DROP INDEX iocert_certification_by_spec;
