-- fixture for test_d1_bridge.py: left unapplied
CREATE TABLE second_table (id INTEGER PRIMARY KEY);
