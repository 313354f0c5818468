// A status badge and a table of services, typed.
import React, { useCallback, useState } from "react";

type Status = "up" | "degraded" | "down";

interface Service {
  id: string;
  name: string;
  status: Status;
  latencyMs: number;
}

const COLOURS: Record<Status, string> = { up: "green", degraded: "orange", down: "red" };

export function Badge({ status }: { status: Status }): JSX.Element {
  return <span className={`badge badge-${COLOURS[status]}`}>{status}</span>;
}

export default function Services({ services, onRestart }: { services: Service[]; onRestart: (id: string) => Promise<void> }) {
  const [busy, setBusy] = useState<string | null>(null);
  const restart = useCallback(async (id: string) => {
    setBusy(id);
    try {
      await onRestart(id);
    } finally {
      setBusy(null);
    }
  }, [onRestart]);

  return (
    <table>
      <thead>
        <tr><th>Name</th><th>Status</th><th>p99 latency</th><th /></tr>
      </thead>
      <tbody>
        {services.map((s) => (
          <tr key={s.id}>
            <td>{s.name}</td>
            <td><Badge status={s.status} /></td>
            <td>{s.latencyMs > 1000 ? `${(s.latencyMs / 1000).toFixed(1)} s` : `${s.latencyMs} ms`}</td>
            <td><button disabled={busy === s.id} onClick={() => restart(s.id)}>Restart</button></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
