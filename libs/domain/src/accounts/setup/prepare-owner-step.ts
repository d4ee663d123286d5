import { randomUUID } from 'node:crypto';
import { AccountLedgers } from '../../shared/account-ledgers';
import { XamanPort } from '../../ports/xaman.port';
import { lastLedgerSequenceFor } from '../../proposal-rules';
import { SetupStepRecord } from '../../records';
import { CoordinatorSettings, forceNetworkOf } from '../../settings';
import { Clock } from '../../shared/clock';
import { prepareOwnerTransaction } from './owner-transaction';

/**
 * One owner step of a set-up: the transaction prepared on the latest validated ledger (the owner's
 * next Sequence) and a single-signed Xaman payload addressed to the owner (submit false).
 */
export class PrepareOwnerStep {
  constructor(
    private readonly ledgers: AccountLedgers,
    private readonly xaman: XamanPort,
    private readonly clock: Clock,
    private readonly settings: CoordinatorSettings,
  ) {}

  async execute(input: {
    setupId: string | null;
    /** The network of the account being set up: its ledger and Xaman `force_network`. */
    network: string;
    kind: SetupStepRecord['kind'];
    owner: string;
    sequence: number;
    template: Record<string, unknown>;
    instruction: string;
  }): Promise<SetupStepRecord> {
    const network = await this.ledgers.forNetwork(input.network).network();
    const expireMinutes = this.settings.defaultExpireMinutes;
    const preparedTx = prepareOwnerTransaction(
      input.template,
      { address: input.owner, sequence: input.sequence },
      network,
      {
        feeCushion: this.settings.feeCushion,
        maxFeeDrops: this.settings.maxFeeDrops,
        lastLedgerSequence: lastLedgerSequenceFor({
          validatedLedgerIndex: network.validatedLedgerIndex,
          windowSeconds: expireMinutes * 60,
          minSecondsPerLedger: this.settings.minSecondsPerLedger,
          marginLedgers: this.settings.lastLedgerMargin,
        }),
      },
    );
    const created = await this.xaman.createOwnerPayload({
      txjson: preparedTx,
      signer: input.owner,
      identifier: `setup-${randomUUID().replace(/-/g, '')}`.slice(0, 40),
      expireMinutes,
      forceNetwork: forceNetworkOf(this.settings, input.network),
      instruction: input.instruction,
      blob: { ...(input.setupId ? { setupId: input.setupId } : {}), step: input.kind },
    });
    return {
      kind: input.kind,
      preparedTx,
      payloadUuid: created.uuid,
      signLink: created.signLink,
      qrPng: created.qrPng,
      payloadExpiresAt: new Date(this.clock.now().getTime() + expireMinutes * 60_000),
      txHash: null,
      txBlob: null,
      submitResult: null,
      submittedLedgerIndex: null,
      resultCode: null,
      resultLedgerIndex: null,
    };
  }
}
