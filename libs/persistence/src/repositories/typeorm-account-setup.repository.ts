import { EntityManager, In } from 'typeorm';
import {
  AccountSetupPatch,
  AccountSetupRecord,
  AccountSetupRepository,
  NewAccountSetup,
  SetupState,
  SetupStepRecord,
} from '../domain-contracts';
import { AccountSetupEntity } from '../entities';

/** Steps are stored as JSON: their dates come back as strings. */
function fromRow(row: AccountSetupEntity): AccountSetupRecord {
  return {
    ...row,
    steps: row.steps.map((step: SetupStepRecord) => ({
      ...step,
      payloadExpiresAt: new Date(step.payloadExpiresAt),
    })),
  };
}

/** The AccountSetupRepository port on PostgreSQL; steps move by a conditional update on (state, version). */
export class TypeormAccountSetupRepository extends AccountSetupRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  private get setups() {
    return this.manager.getRepository(AccountSetupEntity);
  }

  async insert(setup: NewAccountSetup, at: Date): Promise<AccountSetupRecord> {
    const result = await this.setups.insert({ ...setup, version: 1, createdAt: at, updatedAt: at } as never);
    const id = (result.identifiers[0] as { id: string } | undefined)?.id;
    if (!id) throw new Error('The account set-up was not stored.');
    return fromRow(await this.setups.findOneOrFail({ where: { id } }));
  }

  async find(id: string): Promise<AccountSetupRecord | null> {
    const row = await this.setups.findOne({ where: { id } });
    return row ? fromRow(row) : null;
  }

  async findByAddress(
    network: string,
    address: string,
    states: readonly SetupState[],
  ): Promise<AccountSetupRecord[]> {
    const rows = await this.setups.find({
      where: { network, address, state: In([...states]) },
      order: { createdAt: 'ASC' },
    });
    return rows.map(fromRow);
  }

  async inStates(states: readonly SetupState[], limit: number): Promise<AccountSetupRecord[]> {
    const rows = await this.setups.find({
      where: { state: In([...states]) },
      order: { updatedAt: 'ASC' },
      take: limit,
    });
    return rows.map(fromRow);
  }

  async update(
    id: string,
    from: readonly SetupState[],
    version: number,
    patch: AccountSetupPatch,
    at: Date,
  ): Promise<boolean> {
    const result = await this.setups
      .createQueryBuilder()
      .update(AccountSetupEntity)
      .set({ ...patch, version: version + 1, updatedAt: at } as never)
      .where('id = :id AND state IN (:...from) AND version = :version', { id, from: [...from], version })
      .execute();
    return result.affected === 1;
  }
}
