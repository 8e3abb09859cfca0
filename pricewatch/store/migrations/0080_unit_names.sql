-- Units with their English names (English mode shows "yuan/kg" where the catalog keeps 元/公斤).
-- Every canonical unit the catalog and the readers produce (pricewatch.catalog): weights and
-- volumes, and the per-piece units. Another unit (a foreign currency's "KES/公斤") shows its
-- Chinese name in English mode until a row is added here.
CREATE TABLE units (
    name VARCHAR PRIMARY KEY,
    name_en VARCHAR NOT NULL
);
INSERT INTO units VALUES
    ('元/公斤', 'yuan/kg'), ('元/升', 'yuan/L'), ('元/斤', 'yuan/jin (500 g)'), ('元/500克', 'yuan/500 g'),
    ('元/个', 'yuan/piece'), ('元/只', 'yuan/each'), ('元/盒', 'yuan/box'), ('元/袋', 'yuan/bag'),
    ('元/箱', 'yuan/case'), ('元/把', 'yuan/bunch'), ('元/桶', 'yuan/jug'), ('元/瓶', 'yuan/bottle'),
    ('元/头', 'yuan/head'), ('元/束', 'yuan/bunch'), ('元/扎', 'yuan/bundle'), ('元/根', 'yuan/stick'),
    ('元/棵', 'yuan/head'), ('元/盘', 'yuan/tray'), ('元/件', 'yuan/item'), ('元/包', 'yuan/pack'),
    ('元/卷', 'yuan/roll'), ('元/枚', 'yuan/piece'), ('元/罐', 'yuan/can'), ('元/听', 'yuan/can'),
    ('元/条', 'yuan/each'), ('元/颗', 'yuan/piece'), ('元/板', 'yuan/tray'), ('元/提', 'yuan/pack'),
    ('元/支', 'yuan/stick'), ('元/份', 'yuan/portion'), ('元/打', 'yuan/dozen');
