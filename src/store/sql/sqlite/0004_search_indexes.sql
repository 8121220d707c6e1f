-- 0004_search_indexes: indexes measured on 100,000 accounts (bench/staff.sh).
-- Counting a role's holders used the status index and read every active account, once per
-- role; (role_id, status) answers each count from a few entries.
CREATE INDEX users_role_status ON users (role_id, status);
DROP INDEX users_role;
-- User search walks usernames in order and stops after the first matches.
CREATE INDEX users_active_name ON users (status, username_key, id);
