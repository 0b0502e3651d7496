-- leancore 0004: one account per address whatever its case (PostgreSQL). Same column, backfill and index as
-- sqlite/0004_email_key.sql; see there. lower() here is the ASCII-only fold too (translate of A-Z), so every
-- dialect keys existing rows alike; core.initialization re-keys non-ASCII addresses.

ALTER TABLE users ADD COLUMN email_key TEXT;

UPDATE users SET email_key = translate(email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
WHERE id IN (SELECT MIN(id) FROM users
             GROUP BY translate(email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'));

CREATE UNIQUE INDEX users_by_email_key ON users (email_key);
