// Retry a request with exponential backoff and a budget shared by all callers.
import { setTimeout as sleep } from "node:timers/promises";

const DEFAULT_OPTIONS = { attempts: 5, baseMs: 100, maxMs: 10_000, jitter: 0.2 };

export class RetryBudget {
  #tokens;
  constructor(ratio = 0.1, minPerSecond = 10) {
    this.ratio = ratio;
    this.#tokens = minPerSecond;
  }
  canRetry() {
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
  onSuccess() { this.#tokens = Math.min(this.#tokens + this.ratio, 100); }
}

export async function withRetries(fn, budget, options = {}) {
  const { attempts, baseMs, maxMs, jitter } = { ...DEFAULT_OPTIONS, ...options };
  let lastError = null;
  for (let i = 0; i < attempts; i++) {
    try {
      const result = await fn(i);
      budget.onSuccess();
      return result;
    } catch (err) {
      lastError = err;
      if (err.status && err.status < 500) throw err; // client errors are final
      if (!budget.canRetry()) break;
      const delay = Math.min(maxMs, baseMs * 2 ** i) * (1 + (Math.random() - 0.5) * jitter);
      console.warn(`attempt ${i + 1} failed: ${err.message}; retrying in ${delay.toFixed(0)} ms`);
      await sleep(delay);
    }
  }
  throw new Error(`gave up after ${attempts} attempts`, { cause: lastError });
}

const orders = await fetch("/api/orders?status=open").then((r) => r.json());
orders.filter((o) => o.total > 100).map(({ id, total }) => ({ id, total: total * 1.2 }));
