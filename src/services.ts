/**
 * Per-request services, reachable as c.var.services. The database pool is
 * opened only when something needs it (cache hits never do) and closed after
 * the response.
 */
import { CatalogCache } from "./catalog/cache";
import { ChangeOutbox } from "./changes/outbox";
import type { Config } from "./config";
import { type DatabaseHandle, openDatabase } from "./db/client";
import { ApiError } from "./http/errors";
import type { WriteContext } from "./lifecycle/change";
import { Lifecycle } from "./lifecycle/lifecycle";
import { ScheduledChanges, type SchedulingContext } from "./scheduled-changes/scheduled-changes";
import type { DeliveryQueue } from "./webhooks/dispatch";
import { type SecretBox, secretBoxFor } from "./webhooks/secret-box";

export class Services {
  #database?: DatabaseHandle;
  #catalog?: CatalogCache;
  /** Background work of this request; the pool must outlive it. */
  #background: Promise<unknown>[] = [];

  constructor(
    readonly config: Config,
    readonly kv: KVNamespace,
    private readonly deliveryQueue: DeliveryQueue,
    private readonly runtimeWaitUntil: (promise: Promise<unknown>) => void,
    readonly requestId: string,
    readonly clientRequestId?: string,
  ) {}

  readonly waitUntil = (promise: Promise<unknown>) => {
    this.#background.push(promise);
    this.runtimeWaitUntil(promise);
  };

  get db() {
    this.#database ??= openDatabase(this.config);
    return this.#database.db;
  }

  get catalog() {
    this.#catalog ??= new CatalogCache(this.kv, () => this.db, this.waitUntil);
    return this.#catalog;
  }

  /** Writes as `actor`; with the request's Idempotency-Key claim, the answer is saved in each write's transaction. */
  lifecycle(actor: string, idempotency?: WriteContext["idempotency"]) {
    const changes = new ChangeOutbox(() => this.db, this.deliveryQueue, this.waitUntil);
    return new Lifecycle(
      this.db,
      this.catalog,
      { actor, requestId: this.requestId, clientRequestId: this.clientRequestId, idempotency },
      changes,
    );
  }

  /** Schedules and cancels as `actor` (scheduled-changes/), with the request's Idempotency-Key claim if any. */
  scheduledChanges(actor: string, idempotency?: SchedulingContext["idempotency"]) {
    const changes = new ChangeOutbox(() => this.db, this.deliveryQueue, this.waitUntil);
    const context = { actor, requestId: this.requestId, clientRequestId: this.clientRequestId, idempotency };
    return new ScheduledChanges(this.db, this.catalog, context, changes);
  }

  /** Seals and opens webhook signing secrets; webhooks are unavailable without WEBHOOK_SECRET_KEY. */
  get secretBox(): SecretBox {
    const key = this.config.WEBHOOK_SECRET_KEY;
    if (!key) throw new ApiError("service_unavailable", "webhooks are not configured on this deployment");
    return secretBoxFor(key);
  }

  /** Releases the pool once the response is on its way and the background work that needs it is done. */
  close() {
    const database = this.#database;
    if (!database) return;
    this.runtimeWaitUntil(
      (async () => {
        // Background work may queue more background work (a publish after a store): drain until quiet.
        while (this.#background.length) await Promise.allSettled(this.#background.splice(0));
        await database.close().catch(() => {});
      })(),
    );
  }
}
