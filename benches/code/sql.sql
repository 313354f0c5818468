-- Monthly revenue per customer, with the share of the month's total.
WITH monthly AS (
    SELECT c.id AS customer_id,
           c.name,
           date_trunc('month', o.created_at) AS month,
           SUM(oi.quantity * oi.unit_price) AS revenue
    FROM customers c
    JOIN orders o ON o.customer_id = c.id AND o.status <> 'cancelled'
    JOIN order_items oi ON oi.order_id = o.id
    WHERE o.created_at >= now() - INTERVAL '12 months'
    GROUP BY c.id, c.name, date_trunc('month', o.created_at)
)
SELECT customer_id,
       name,
       to_char(month, 'YYYY-MM') AS month,
       revenue,
       round(100.0 * revenue / SUM(revenue) OVER (PARTITION BY month), 2) AS share_pct,
       rank() OVER (PARTITION BY month ORDER BY revenue DESC) AS position
FROM monthly
WHERE revenue > 1000
ORDER BY month DESC, position
LIMIT 50;

CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_created_idx
    ON orders (customer_id, created_at DESC) WHERE status <> 'cancelled';

UPDATE accounts SET balance = balance - 100.00, updated_at = now()
WHERE id = 42 AND balance >= 100.00
RETURNING id, balance;
