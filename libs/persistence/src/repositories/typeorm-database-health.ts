import { DataSource } from 'typeorm';
import { DatabaseHealth } from '../domain-contracts';

/** The DatabaseHealth port: `SELECT 1`, bounded in time, so a hung server reads as not ready. */
export class TypeormDatabaseHealth extends DatabaseHealth {
  constructor(
    private readonly dataSource: DataSource,
    private readonly timeoutMs = 2_000,
  ) {
    super();
  }

  async ping(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.timeoutMs);
    });
    const answered = this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([answered, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
