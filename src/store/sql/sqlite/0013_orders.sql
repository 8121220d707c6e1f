-- 0013_orders: orders of a workspace (readmin-compat.md §2 Order, §3.6, §4.13; platform.md
-- §6.7). Keyed by workspace id first, so every statement names its workspace and another
-- workspace's order reads like none. Items and the event log are child rows in their own
-- order; involvedUsers is derived from the log.

CREATE TABLE orders (
	workspace_id     TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	id               TEXT NOT NULL,
	-- orderNumber restarts at 1 each local day of the workspace's timezone; local_day is
	-- that day as 'YYYY-MM-DD' when the order was created.
	local_day        TEXT NOT NULL,
	number           INTEGER NOT NULL,
	-- submitted claimed released completed awaiting_customer handed_to_customer cancelled
	status           TEXT NOT NULL,
	customer_id      TEXT NOT NULL,
	cashier_id       TEXT,
	prepared_by      TEXT,
	source           TEXT NOT NULL,
	place_id         TEXT,
	game_id          TEXT,
	-- Σ unitPrice·quantity when every item is priced, else NULL.
	total            INTEGER,
	note             TEXT,
	distribution     INTEGER NOT NULL,
	idempotency_key  TEXT,
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL,
	claimed_at       INTEGER,
	completed_at     INTEGER,
	finished_at      INTEGER,
	PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX orders_number ON orders (workspace_id, local_day, number);
CREATE INDEX orders_status ON orders (workspace_id, status, created_at, id);
CREATE INDEX orders_created ON orders (workspace_id, created_at, id);
CREATE INDEX orders_idempotency ON orders (workspace_id, idempotency_key, created_at);

-- The last number given out per workspace and local day. Taken with one upsert, whose row lock
-- serialises concurrent creates on PostgreSQL as BEGIN IMMEDIATE does on SQLite.
CREATE TABLE order_counters (
	workspace_id  TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	local_day     TEXT NOT NULL,
	last          INTEGER NOT NULL,
	PRIMARY KEY (workspace_id, local_day)
);

CREATE TABLE order_items (
	workspace_id  TEXT NOT NULL,
	order_id      TEXT NOT NULL,
	position      INTEGER NOT NULL,
	product_id    TEXT,
	name          TEXT NOT NULL,
	unit_price    INTEGER, -- NULL: not priced
	quantity      INTEGER NOT NULL,
	PRIMARY KEY (workspace_id, order_id, position),
	FOREIGN KEY (workspace_id, order_id) REFERENCES orders (workspace_id, id) ON DELETE CASCADE
);

-- One row per event: `created`, then each transition by its path action name.
CREATE TABLE order_log (
	workspace_id  TEXT NOT NULL,
	order_id      TEXT NOT NULL,
	seq           INTEGER NOT NULL,
	event         TEXT NOT NULL,
	user_id       TEXT NOT NULL, -- Roblox user id
	at            INTEGER NOT NULL,
	PRIMARY KEY (workspace_id, order_id, seq),
	FOREIGN KEY (workspace_id, order_id) REFERENCES orders (workspace_id, id) ON DELETE CASCADE
);
