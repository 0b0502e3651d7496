-- fixture for test_d1_bridge.py: a first migration, applied the way wrangler applies it
CREATE TABLE first_table (id INTEGER PRIMARY KEY, label TEXT NOT NULL);
