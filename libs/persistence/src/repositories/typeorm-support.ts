import { EntityManager, EntityTarget, ObjectLiteral, QueryDeepPartialEntity, UpdateResult } from 'typeorm';

/**
 * Runs `work` atomically: inside the caller's transaction when the manager is bound to one (a unit of
 * work), else in a transaction of its own.
 */
export function atomically<T>(
  manager: EntityManager,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return manager.queryRunner?.isTransactionActive ? work(manager) : manager.transaction(work);
}

/**
 * Column values for an INSERT or UPDATE of entity `E`, without `undefined` fields (a Partial patch may
 * carry them; they mean "leave as is"). The domain's patch types already name only the entity's
 * fields; TypeORM's deep-partial type cannot follow jsonb fields typed as records, hence the cast.
 */
export function columns<E>(values: object): QueryDeepPartialEntity<E> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as QueryDeepPartialEntity<E>;
}

/** Did a conditional update apply to exactly one row? */
export const appliedOnce = (result: UpdateResult): boolean => result.affected === 1;

/**
 * Maps a raw row (snake_case columns, as `RETURNING *` gives them) to the entity, with the same
 * conversions a `find` applies (bigint transformers and so on).
 */
export function hydrate<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  row: Record<string, unknown>,
): T {
  const metadata = manager.connection.getMetadata(target);
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    if (column.isSelect && column.databaseName in row) {
      column.setEntityValue(
        entity,
        manager.connection.driver.prepareHydratedValue(row[column.databaseName], column) as unknown,
      );
    }
  }
  return entity;
}

/** Rows of an `UPDATE/DELETE ... RETURNING` run through `manager.query` (TypeORM gives `[rows, count]`). */
export async function returningRows(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
): Promise<Record<string, unknown>[]> {
  const [rows] = await manager.query<[Record<string, unknown>[], number]>(sql, parameters);
  return rows;
}
