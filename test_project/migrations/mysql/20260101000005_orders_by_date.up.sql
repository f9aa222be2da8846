-- The orders pages sort by date.
CREATE INDEX orders_placed_at ON orders (placed_at);
