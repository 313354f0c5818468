// A typed event store with optimistic concurrency.
import type { Pool, PoolClient } from "pg";

export interface Event<T = unknown> {
  readonly stream: string;
  readonly version: number;
  readonly type: string;
  readonly data: T;
  readonly at: Date;
}

export class ConcurrencyError extends Error {
  constructor(public readonly stream: string, public readonly expected: number) {
    super(`stream ${stream} is not at version ${expected}`);
  }
}

type Handler<T> = (event: Event<T>) => Promise<void> | void;

export class EventStore {
  private readonly handlers = new Map<string, Handler<any>[]>();

  constructor(private readonly pool: Pool, private readonly table = "events") {}

  on<T>(type: string, handler: Handler<T>): () => void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler);
    this.handlers.set(type, list);
    return () => this.handlers.set(type, list.filter((h) => h !== handler));
  }

  async append<T>(stream: string, expected: number, events: Omit<Event<T>, "version" | "at">[]): Promise<number> {
    const client: PoolClient = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{ v: number }>(
        `SELECT coalesce(max(version), 0) AS v FROM ${this.table} WHERE stream = $1 FOR UPDATE`,
        [stream],
      );
      if (rows[0].v !== expected) throw new ConcurrencyError(stream, expected);
      let version = expected;
      for (const e of events) {
        version += 1;
        await client.query(`INSERT INTO ${this.table} (stream, version, type, data) VALUES ($1, $2, $3, $4)`, [
          stream, version, e.type, JSON.stringify(e.data),
        ]);
      }
      await client.query("COMMIT");
      return version;
    } catch (err: unknown) {
      await client.query("ROLLBACK");
      throw err;
    } finally {
      client.release();
    }
  }
}
