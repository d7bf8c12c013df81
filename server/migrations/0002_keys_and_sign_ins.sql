-- The keys that seal personal data (one per household, role holder and donor) and the
-- members' sign-ins, kept with the log so that every server of a group seals, opens and
-- signs in alike. Erasing a key deletes its row; the server then runs VACUUM on this table
-- so that the row's bytes do not linger in its pages (they can still survive in WAL
-- segments and archives until those are recycled: see PRIVACY.md).
CREATE TABLE potluck_keys (
    key_id text COLLATE "C" PRIMARY KEY,
    key bytea NOT NULL CHECK (length(key) = 32)
);

-- Argon2id password hashes, in PHC string form.
CREATE TABLE potluck_credentials (
    member_id text COLLATE "C" PRIMARY KEY,
    password_hash text NOT NULL
);

-- Sessions by the SHA-256 of their token (the token itself is never stored).
CREATE TABLE potluck_sessions (
    digest text COLLATE "C" PRIMARY KEY,
    member_id text COLLATE "C" NOT NULL,
    expires_at_ms bigint NOT NULL
);
CREATE INDEX potluck_sessions_member ON potluck_sessions (member_id);
