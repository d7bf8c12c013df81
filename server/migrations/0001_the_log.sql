-- The log: every record's bytes (the same bytes, hash and chain as the sled store keeps),
-- with its place in the log and in its stream as columns. Positions are never taken from a
-- sequence: a writer assigns them under the head row's lock, in commit order, so a reader
-- never sees position N+1 before N.
CREATE TABLE potluck_events (
    position bigint PRIMARY KEY CHECK (position > 0),
    stream text COLLATE "C" NOT NULL,
    stream_version bigint NOT NULL CHECK (stream_version > 0),
    event_type text NOT NULL,
    recorded_at_ms bigint NOT NULL,
    record bytea NOT NULL,
    UNIQUE (stream, stream_version)
);

-- The answer each command id got: a retry gets it again and writes nothing.
CREATE TABLE potluck_commands (
    command_id text COLLATE "C" PRIMARY KEY,
    answer bytea NOT NULL
);

-- The newest record's position and hash (position 0 and 32 zero bytes: the empty log). A
-- commit locks this row (SELECT ... FOR UPDATE), checks that it is the head its batch was
-- built on, and moves it in the same transaction.
CREATE TABLE potluck_head (
    id integer PRIMARY KEY CHECK (id = 1),
    position bigint NOT NULL,
    hash bytea NOT NULL CHECK (length(hash) = 32)
);
INSERT INTO potluck_head (id, position, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));
