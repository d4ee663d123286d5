import { TransactionalRepositories, UnitOfWork } from '../../src/ports/unit-of-work';
import { currentUnitOfWork, UnitOfWorkContext } from './in-memory-store';

/**
 * Runs the work with the same in-memory repositories; if it throws, every write it made is undone
 * (in reverse order) and the error propagates, like a rolled-back transaction. Allocation locks
 * taken inside are released when it ends.
 */
export class InMemoryUnitOfWork extends UnitOfWork {
  runs = 0;
  rollbacks = 0;
  /** Makes the next unit of work fail after its work ran (a commit that fails). */
  failNextCommit: Error | null = null;

  constructor(private readonly repositories: TransactionalRepositories) {
    super();
  }

  async run<T>(work: (tx: TransactionalRepositories) => Promise<T>): Promise<T> {
    this.runs++;
    const unit = new UnitOfWorkContext();
    try {
      const result = await currentUnitOfWork.run(unit, () => work(this.repositories));
      const failure = this.failNextCommit;
      if (failure) {
        this.failNextCommit = null;
        throw failure;
      }
      return result;
    } catch (error) {
      this.rollbacks++;
      for (const undo of unit.undo.reverse()) undo();
      throw error;
    } finally {
      for (const release of unit.releases.values()) release();
    }
  }
}
