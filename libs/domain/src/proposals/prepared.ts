import { encode, encodeForMultisigning } from 'ripple-binary-codec';
import { PreparedTransaction, SignerList, VerifiedSignature } from '@app/multisign';
import { SignerListFacts } from '../ports/ledger.port';
import { ProposalRecord, SignatureRecord, SignerListSnapshot } from '../records';

/** The prepared transaction of a stored proposal, as @app/multisign takes it. */
export function preparedOf(proposal: ProposalRecord): PreparedTransaction {
  return {
    txJson: proposal.preparedTx,
    encoded: proposal.preparedTxHex,
    account: String(proposal.preparedTx.Account),
    feeDrops: String(proposal.feeDrops),
    maxSignatures: proposal.maxSignatures,
    sequence: proposal.sequence,
    ticketSequence: proposal.ticketSequence,
    lastLedgerSequence: proposal.lastLedgerSequence,
    networkId: typeof proposal.preparedTx.NetworkID === 'number' ? proposal.preparedTx.NetworkID : null,
  };
}

export function signerListOf(snapshot: SignerListSnapshot): SignerList {
  return { quorum: snapshot.quorum, entries: snapshot.entries };
}

/** Same quorum and the same (account, weight) entries, in any order. */
export function sameSignerList(
  a: SignerListFacts | null,
  b: { readonly quorum: number; readonly entries: readonly { account: string; weight: number }[] },
): boolean {
  return (
    a !== null &&
    a.quorum === b.quorum &&
    a.entries.length === b.entries.length &&
    a.entries.every((e) => b.entries.some((x) => x.account === e.account && x.weight === e.weight))
  );
}

export function toVerified(signature: SignatureRecord): VerifiedSignature {
  return {
    account: signature.signerAddress,
    signingPubKey: signature.signingPubKey,
    txnSignature: signature.txnSignature,
    weight: signature.weight,
    keyType: signature.keyType,
    algorithm: signature.signingPubKey.startsWith('ED') ? 'ed25519' : 'secp256k1',
  };
}

/** "Sequence 12" or "Ticket 40": the number a proposal holds. */
export function numberOf(proposal: Pick<ProposalRecord, 'sequence' | 'ticketSequence'>): string {
  return proposal.ticketSequence !== null
    ? `Ticket ${proposal.ticketSequence}`
    : `Sequence ${proposal.sequence}`;
}

/** Fields rippled adds to a transaction's JSON that are not part of what was signed. */
const NOT_SIGNED_FIELDS = ['Signers', 'TxnSignature', 'hash', 'ledger_index', 'date', 'ctid', 'inLedger'];

/**
 * Is this validated transaction the prepared one with (possibly other) signatures? Compared on the
 * canonical binary encoding without Signers. API v2 answers (`tx`, `account_tx`, streams) name a
 * Payment's `Amount` `DeliverMax`: it is renamed back before encoding. Any other difference, or a
 * transaction that does not encode, is not ours.
 */
export function isPreparedTransaction(validated: Record<string, unknown>, preparedHex: string): boolean {
  const tx: Record<string, unknown> = { ...validated };
  if (tx.DeliverMax !== undefined) {
    if (tx.Amount !== undefined && JSON.stringify(tx.Amount) !== JSON.stringify(tx.DeliverMax)) return false;
    tx.Amount = tx.DeliverMax;
    delete tx.DeliverMax;
  }
  for (const field of NOT_SIGNED_FIELDS) delete tx[field];
  try {
    return encode(tx).toUpperCase() === preparedHex.toUpperCase();
  } catch {
    return false;
  }
}

/**
 * What an offline signer needs to sign a proposal without Xaman: the prepared transaction (JSON and
 * unsigned binary, `SigningPubKey: ""`) and, per signer, the exact bytes rippled verifies its
 * signature over (`SMT\0` + transaction + signer AccountID, as hex).
 */
export function multisigningDataOf(proposal: ProposalRecord): {
  txJson: Record<string, unknown>;
  txBlob: string;
  signingData: { signer: string; hex: string }[];
} {
  return {
    txJson: proposal.preparedTx,
    txBlob: proposal.preparedTxHex,
    signingData: proposal.signerListSnapshot.entries.map((e) => ({
      signer: e.account,
      hex: encodeForMultisigning(proposal.preparedTx as never, e.account),
    })),
  };
}
