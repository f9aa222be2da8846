-- The shop's customers.
CREATE TABLE customers (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    email VARCHAR(254) NOT NULL UNIQUE,
    country CHAR(2) NOT NULL,
    is_vip BOOLEAN NOT NULL DEFAULT FALSE,
    notes TEXT NULL,
    signed_up_at DATETIME NOT NULL,
    birthday DATE NULL
);
