-- 0015_sessions_version: a per-workspace version of everything GET /sessions/upcoming
-- (readmin-compat.md §3.4 #15) reads, so that each node can cache the serialised answer and
-- check it with one indexed read (docs/sessions.md "Upcoming cache"). Triggers bump it in the
-- same transaction as the write, whichever code path writes (ReAdmin routes, /api/workspaces,
-- the CLI, a cascade from a workspace delete), so no write can forget it and several nodes on
-- one database never serve another node's stale answer.

-- No foreign key: the row is bumped by the cascade that deletes a workspace's sessions, and
-- a leftover row of a deleted workspace is harmless (ids are never reused). A new row starts
-- at a random value, so a database restored or rebuilt under a running node cannot meet a
-- cached version by counting up to it again.
CREATE TABLE sessions_versions (
	workspace_id TEXT PRIMARY KEY,
	version      INTEGER NOT NULL
);

CREATE TRIGGER session_role_groups_v_ins AFTER INSERT ON session_role_groups BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (NEW.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER session_role_groups_v_upd AFTER UPDATE ON session_role_groups BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (NEW.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER session_role_groups_v_del AFTER DELETE ON session_role_groups BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (OLD.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER session_subroles_v_ins AFTER INSERT ON session_subroles BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (NEW.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER session_subroles_v_upd AFTER UPDATE ON session_subroles BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (NEW.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER session_subroles_v_del AFTER DELETE ON session_subroles BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (OLD.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER session_templates_v_ins AFTER INSERT ON session_templates BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (NEW.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER session_templates_v_upd AFTER UPDATE ON session_templates BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (NEW.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER session_templates_v_del AFTER DELETE ON session_templates BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (OLD.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER sessions_v_ins AFTER INSERT ON sessions BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (NEW.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER sessions_v_upd AFTER UPDATE ON sessions BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (NEW.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER sessions_v_del AFTER DELETE ON sessions BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (OLD.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER session_servers_v_ins AFTER INSERT ON session_servers BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (NEW.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER session_servers_v_upd AFTER UPDATE ON session_servers BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (NEW.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER session_servers_v_del AFTER DELETE ON session_servers BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (OLD.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER session_claims_v_ins AFTER INSERT ON session_claims BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (NEW.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER session_claims_v_upd AFTER UPDATE ON session_claims BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (NEW.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER session_claims_v_del AFTER DELETE ON session_claims BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (OLD.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;

-- A session server shows its linked running server's jobId (LEFT JOIN). Running servers are
-- written often (pings, ends) and linked rarely, so only a change that a link can see bumps:
-- the jobId, or the row appearing or going while a session server names it.
CREATE INDEX session_servers_link ON session_servers (workspace_id, linked_server_id);
CREATE TRIGGER running_servers_v_ins AFTER INSERT ON running_servers
	WHEN EXISTS (SELECT 1 FROM session_servers WHERE workspace_id = NEW.workspace_id
		AND linked_server_id = NEW.id) BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (NEW.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER running_servers_v_upd AFTER UPDATE OF job_id, workspace_id ON running_servers
	WHEN EXISTS (SELECT 1 FROM session_servers WHERE workspace_id = NEW.workspace_id
		AND linked_server_id = NEW.id) BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (NEW.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER running_servers_v_del AFTER DELETE ON running_servers
	WHEN EXISTS (SELECT 1 FROM session_servers WHERE workspace_id = OLD.workspace_id
		AND linked_server_id = OLD.id) BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (OLD.workspace_id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;

-- A materialised session shows its workspace's Roblox group id (`groupId`).
CREATE TRIGGER communities_v_upd AFTER UPDATE OF roblox_group_id ON communities
	WHEN OLD.roblox_group_id IS NOT NEW.roblox_group_id BEGIN
	INSERT INTO sessions_versions (workspace_id, version)
		VALUES (NEW.id, abs(random() % 4503599627370496))
		ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;

-- The template list (every uncached #15, the management list) is read in created order:
-- this index gives that order without sorting the workspace's templates on each read.
CREATE INDEX session_templates_created ON session_templates (workspace_id, created_at, id);
