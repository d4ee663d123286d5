import { randomUUID } from 'node:crypto';
import type { DataSource } from '@app/persistence';
import {
  TypeormAccountRepository,
  TypeormApiKeyRepository,
  TypeormAuditRepository,
  TypeormProposalRepository,
  TypeormUnitOfWork,
} from '@app/persistence';
import type {
  NewProposal,
  NewSignature,
  NewSignatureRequest,
  NewSigner,
  SignerRecord,
} from '../../libs/persistence/src/domain-contracts';

/** A fixed clock origin: the adapters compare only the times they are given. */
export const T0 = new Date('2030-01-01T00:00:00.000Z');
export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** A syntactically valid classic address, distinct for each n < 58². */
export const address = (n: number): string =>
  `rHb9CJAWyB4rj91VRWn96Dk${BASE58[Math.floor(n / 58) % 58]}${BASE58[n % 58]}`;

export const signerOf = (n: number): NewSigner => ({
  address: address(n),
  weight: 1,
  funded: true,
  masterDisabled: false,
  regularKey: null,
  keyFactsLedgerIndex: 10,
});

export const signatureOf = (signer: Pick<SignerRecord, 'address'>, weight = 1): NewSignature => ({
  signerAddress: signer.address,
  signingPubKey: `ED${'A'.repeat(64)}`,
  txnSignature: 'ABCD',
  keyType: 'master',
  weight,
});

export const COMBINED = { combinedBlob: '1200', combinedHash: 'A'.repeat(64) };

/** Repositories outside any unit of work, and a unit of work, on one data source. */
export function repositoriesOn(dataSource: DataSource) {
  return {
    accounts: new TypeormAccountRepository(dataSource.manager),
    proposals: new TypeormProposalRepository(dataSource.manager),
    audit: new TypeormAuditRepository(dataSource.manager),
    apiKeys: new TypeormApiKeyRepository(dataSource.manager),
    unitOfWork: new TypeormUnitOfWork(dataSource),
  };
}

export interface World {
  accountId: string;
  signers: SignerRecord[];
  apiKeyId: string;
  proposal(overrides?: Partial<NewProposal>): NewProposal;
  requestsFor(signers?: SignerRecord[]): NewSignatureRequest[];
  /** Stores a collecting proposal with one queued request per signer, leased until `leaseUntil`. */
  propose(overrides?: Partial<NewProposal>, leaseUntil?: Date): Promise<string>;
}

let nextAccount = 0;
let nextSequence = 1;

/** One account (quorum 2, three signers of weight 1) and an API key to create proposals with. */
export async function makeWorld(dataSource: DataSource): Promise<World> {
  const repos = repositoriesOn(dataSource);
  const n = (nextAccount += 4);
  const account = await repos.accounts.insert(
    {
      network: 'sandbox',
      address: address(n),
      label: null,
      signerQuorum: 2,
      signerListLedgerIndex: 10,
      masterDisabled: false,
      regularKey: null,
    },
    [signerOf(n + 1), signerOf(n + 2), signerOf(n + 3)],
    T0,
  );
  if (!account) throw new Error('fixture account already exists');
  const signers = await repos.accounts.signersOf(account.id);
  const key = await repos.apiKeys.insert({
    name: `key ${n}`,
    role: 'proposer',
    keyPrefix: 'abcdefgh',
    secretHash: randomUUID(),
    createdBy: null,
    expiresAt: null,
  });
  const proposal = (overrides: Partial<NewProposal> = {}): NewProposal => ({
    accountId: account.id,
    transactionType: 'Payment',
    txTemplate: { TransactionType: 'Payment' },
    preparedTx: { TransactionType: 'Payment' },
    preparedTxHex: '12',
    sequence: nextSequence++,
    ticketSequence: null,
    feeDrops: 30,
    maxSignatures: 3,
    lastLedgerSequence: 1000,
    signerQuorum: 2,
    signerListSnapshot: { quorum: 2, entries: [], ledgerIndex: 10 },
    deadline: at(3600),
    instruction: null,
    createdBy: key.id,
    idempotencyKey: null,
    requestFingerprint: null,
    xrpOutDrops: '0',
    policyVersion: 0,
    timeLockSeconds: 0,
    replacesId: null,
    replacesKind: null,
    ...overrides,
  });
  const requestsFor = (chosen: SignerRecord[] = signers): NewSignatureRequest[] =>
    chosen.map((s) => ({
      id: randomUUID(),
      signerId: s.id,
      signerAddress: s.address,
      customIdentifier: randomUUID(),
    }));
  return {
    accountId: account.id,
    signers,
    apiKeyId: key.id,
    proposal,
    requestsFor,
    async propose(overrides = {}, leaseUntil = at(60)) {
      const result = await repos.proposals.insert(proposal(overrides), requestsFor(), leaseUntil);
      if (!result.inserted) throw new Error(`fixture proposal not inserted: ${result.conflict}`);
      return result.proposal.id;
    },
  };
}
