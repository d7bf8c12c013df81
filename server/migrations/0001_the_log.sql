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

-- One commit of the log's writer, in one round trip: lock the head, check that it is the
-- head the batch was built on, insert the records and the commands' answers, move the head.
-- Returns NULL once the batch is in (or was already in: the head is the batch's own, whose
-- hash names exactly its records, after a connection broke before the answer came back),
-- else the position of the head another writer moved it to (nothing written).
CREATE FUNCTION potluck_commit(
    after_position bigint, after_hash bytea, head_position bigint, head_hash bytea,
    positions bigint[], streams text[], versions bigint[], event_types text[],
    recorded_at bigint[], records bytea[], command_ids text[], answers bytea[]
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    at_position bigint;
    at_hash bytea;
BEGIN
    SELECT position, hash INTO at_position, at_hash FROM potluck_head WHERE id = 1 FOR UPDATE;
    IF at_position = head_position AND at_hash = head_hash AND head_position <> after_position THEN
        RETURN NULL;
    END IF;
    IF at_position <> after_position OR at_hash <> after_hash THEN
        RETURN at_position;
    END IF;
    INSERT INTO potluck_events (position, stream, stream_version, event_type, recorded_at_ms, record)
        SELECT * FROM unnest(positions, streams, versions, event_types, recorded_at, records);
    INSERT INTO potluck_commands (command_id, answer)
        SELECT * FROM unnest(command_ids, answers);
    IF head_position <> after_position THEN
        UPDATE potluck_head SET position = head_position, hash = head_hash WHERE id = 1;
        -- Other servers listening wake up and read from their head (delivered on commit).
        PERFORM pg_notify('potluck_log', head_position::text);
    END IF;
    RETURN NULL;
END
$$;
