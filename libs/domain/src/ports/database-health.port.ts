/** Readiness of the database, for health endpoints. */
export abstract class DatabaseHealth {
  /** True when a trivial query answers. Never throws. */
  abstract ping(): Promise<boolean>;
}
