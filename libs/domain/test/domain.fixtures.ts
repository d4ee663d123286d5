/**
 * Real keys (xrpl.js wallets from fixed seeds) and a treasury scenario on the in-memory fakes:
 * register a multisig account, propose, and have signers sign real multisig blobs at Xaman.
 */
import { Transaction, Wallet } from 'xrpl';
import { combine, selectSignatures, verifySignerBlob } from '@app/multisign';
import { preparedOf, signerListOf } from '../src/proposals/prepared';
import { ProposalRecord, SignatureRequestRecord } from '../src/records';
import { Actor } from '../src/shared/actor';
import { buildDomain, Domain } from './fakes';

/** The multisig account (secp256k1). */
export const treasury = Wallet.fromSeed('ssPstTqs7hTWXzDFr88Um9fZDeNUK');
/** ed25519 signer. */
export const alice = Wallet.fromSeed('sEdSzqAGbRj16kjP8uUwraTKH2SoAMD');
/** secp256k1 signer. */
export const bob = Wallet.fromSeed('ssQCzEyFi8mQNj1YYUCYGSQ1t9UnJ');
/** secp256k1 signer, and the ed25519 key it may set as its RegularKey. */
export const carol = Wallet.fromSeed('ssRVswhDZ9vMaf6QoQcDpahVaWjwd');
export const carolRegularKey = Wallet.fromSeed('sEdTsHnxFbFywbHXGVymqa5GNXLz5UB');
/** ed25519 signer. */
export const dave = Wallet.fromSeed('sEdTha3itzXLKY3ua4NymmTut3de4RD');
/** A valid wallet outside every SignerList. */
export const mallory = Wallet.fromSeed('ssTvBiHPeEPBeEBrbpSDHsrMRaxMP');
export const destination = Wallet.fromSeed('sEdTn5NCsmvhdRqekamPCayDBLbkZ7x').classicAddress;

export const operator: Actor = { type: 'api_key', id: '5b0f7a2e-1111-4c3d-9e8f-000000000001' };
export const otherOperator: Actor = { type: 'api_key', id: '5b0f7a2e-1111-4c3d-9e8f-000000000002' };

export const payment = (drops = '25000000'): Record<string, unknown> => ({
  TransactionType: 'Payment',
  Destination: destination,
  Amount: drops,
});

export interface TreasurySetup {
  signers?: { wallet: Wallet; weight: number }[];
  quorum?: number;
  sequence?: number;
  tickets?: number[];
}

/** Default: alice, bob and carol with weight 1 each, quorum 2, Sequence 100, no Tickets. */
export async function registerTreasury(d: Domain, setup: TreasurySetup = {}) {
  const signers = setup.signers ?? [
    { wallet: alice, weight: 1 },
    { wallet: bob, weight: 1 },
    { wallet: carol, weight: 1 },
  ];
  for (const { wallet } of signers) d.ledger.setAccount(wallet.classicAddress);
  d.ledger.setAccount(treasury.classicAddress, {
    sequence: setup.sequence ?? 100,
    balanceDrops: '10000000000',
    tickets: setup.tickets ?? [],
    signerList: {
      quorum: setup.quorum ?? 2,
      entries: signers.map(({ wallet, weight }) => ({ account: wallet.classicAddress, weight })),
    },
  });
  return d.registering.execute(
    { address: treasury.classicAddress, network: 'testnet', label: 'Treasury' },
    operator,
  );
}

export async function propose(
  d: Domain,
  accountId: string,
  command: {
    txjson?: Record<string, unknown>;
    idempotencyKey?: string | null;
    actor?: Actor;
    expiresInMinutes?: number;
  } = {},
): Promise<ProposalRecord> {
  const { proposalId } = await d.creating.execute({
    accountId,
    txjson: command.txjson ?? payment(),
    idempotencyKey: command.idempotencyKey ?? null,
    actor: command.actor ?? operator,
    ...(command.expiresInMinutes !== undefined ? { expiresInMinutes: command.expiresInMinutes } : {}),
  });
  return proposalOf(d, proposalId);
}

export async function proposalOf(d: Domain, proposalId: string): Promise<ProposalRecord> {
  const proposal = await d.proposals.find(proposalId);
  if (!proposal) throw new Error(`No proposal ${proposalId}`);
  return proposal;
}

export async function requestOf(
  d: Domain,
  proposalId: string,
  signer: string,
): Promise<SignatureRequestRecord> {
  const request = (await d.proposals.requestsOf(proposalId)).find((r) => r.signerAddress === signer);
  if (!request) throw new Error(`No request for ${signer}`);
  return request;
}

/** The payload uuid sent to this signer for this proposal. */
export async function payloadOf(d: Domain, proposalId: string, signer: string): Promise<string> {
  const uuid = (await requestOf(d, proposalId, signer)).xamanPayloadUuid;
  if (!uuid) throw new Error(`No payload was sent to ${signer}`);
  return uuid;
}

/** A signer blob exactly as Xaman (xrpl.js underneath) returns it: `wallet` signs as `signAs`. */
export function blobFor(proposal: ProposalRecord, wallet: Wallet, signAs?: string): string {
  const tx = structuredClone(proposal.preparedTx) as unknown as Transaction;
  return wallet.sign(tx, signAs ?? true).tx_blob;
}

/** The signer signs its payload in Xaman (not yet announced to the service). */
export async function signAtXaman(
  d: Domain,
  proposal: ProposalRecord,
  wallet: Wallet,
  signAs?: string,
): Promise<string> {
  const signer = signAs ?? wallet.classicAddress;
  const uuid = await payloadOf(d, proposal.id, signer);
  d.xaman.sign(uuid, blobFor(proposal, wallet, signAs), signer);
  return uuid;
}

/** The signer signs and the service hears of it (a webhook, here through the payload signals). */
export async function signs(d: Domain, proposal: ProposalRecord, wallet: Wallet, signAs?: string) {
  const uuid = await signAtXaman(d, proposal, wallet, signAs);
  return d.signals.signal(uuid, 'webhook');
}

/** A registered treasury (see registerTreasury) with one collecting proposal. */
export async function collectingProposal(setup: TreasurySetup = {}) {
  const d = buildDomain();
  const account = await registerTreasury(d, setup);
  const proposal = await propose(d, account.id);
  return { d, account, proposal };
}

/**
 * The signer's real blob, verified and stored as a counted signature, WITHOUT the quorum claim and
 * the combine that follow a signature in the live flow: a collecting proposal whose stored
 * signatures may reach its quorum, as the worker's recovery finds one (a claim that raced a
 * deadline extension, or rows from before claims and signatures were written together).
 */
export async function storeSignature(d: Domain, proposal: ProposalRecord, wallet: Wallet): Promise<void> {
  const request = await requestOf(d, proposal.id, wallet.classicAddress);
  const verdict = verifySignerBlob(preparedOf(proposal), blobFor(proposal, wallet), wallet.classicAddress, {
    signerList: signerListOf(proposal.signerListSnapshot),
    signerFacts: { funded: true, masterDisabled: false, regularKey: null },
  });
  if (!verdict.ok) throw new Error(verdict.message);
  const { account, signingPubKey, txnSignature, keyType, weight } = verdict.signature;
  const stored = await d.proposals.recordSignature(
    request,
    ['created', 'opened'],
    { blobHex: blobFor(proposal, wallet) },
    { signerAddress: account, signingPubKey, txnSignature, keyType, weight },
  );
  if (!stored) throw new Error('signature not stored');
}

/** The blob the service would combine from these signers' stored signatures. */
export async function combinedFrom(d: Domain, proposal: ProposalRecord, wallets: Wallet[]) {
  const list = signerListOf(proposal.signerListSnapshot);
  const signatures = wallets.map((wallet) => {
    const verdict = verifySignerBlob(preparedOf(proposal), blobFor(proposal, wallet), wallet.classicAddress, {
      signerList: list,
      signerFacts: { funded: true, masterDisabled: false, regularKey: null },
    });
    if (!verdict.ok) throw new Error(verdict.message);
    return verdict.signature;
  });
  const chosen = selectSignatures(signatures, list, wallets.length);
  if (!chosen) throw new Error('no quorum');
  return combine(preparedOf(proposal), chosen);
}

/** A proposal signed by alice and bob, combined and submitted (the ledger answered tesSUCCESS). */
export async function submittedProposal(setup: TreasurySetup = {}) {
  const { d, account, proposal } = await collectingProposal(setup);
  await signs(d, proposal, alice);
  await signs(d, proposal, bob);
  const submitted = await proposalOf(d, proposal.id);
  if (submitted.state !== 'submitted') throw new Error(`proposal is ${submitted.state}`);
  return { d, account, proposal: submitted };
}
