-- The commodity price of every period, for each audience (scope: public = obs_public, staff =
-- obs_staff), frequency and price type: the mean over the markets that reported of each
-- market's mean in the period, how many markets reported, how many observations there were.
-- pricewatch/store/aggregates.py fills it (meta 'period_prices' names the version that built
-- it) and keeps it inside the transaction of every write that changes the observations, so
-- no reader recomputes the history.
CREATE TABLE period_prices (
    scope VARCHAR NOT NULL,
    freq VARCHAR NOT NULL,
    price_type VARCHAR NOT NULL,
    commodity_id INTEGER NOT NULL,
    period_start DATE NOT NULL,
    price DOUBLE NOT NULL,
    markets INTEGER NOT NULL,
    obs INTEGER NOT NULL
);
