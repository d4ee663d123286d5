import { MultisignError } from './multisign.errors';
import type { CombinedTransaction, PreparedTransaction, VerifiedSignature } from './multisign.types';
import { MAX_SIGNERS } from './prepare';
import { checkSignatureCrypto, verifiedHere } from './verify';
import {
  accountIdOf,
  accountIdOfPublicKey,
  encodeSignersArray,
  hexToBytes,
  isClassicAddress,
  isList,
  preparedBytes,
  transactionHash,
  type SignerBytes,
} from './xrpl-binary';

interface SortableSigner extends SignerBytes {
  readonly signature: VerifiedSignature;
}

function toSignerBytes(signature: VerifiedSignature): SortableSigner {
  const signingPubKey = hexToBytes(signature?.signingPubKey);
  const txnSignature = hexToBytes(signature?.txnSignature);
  if (!isClassicAddress(signature?.account) || signingPubKey === null || txnSignature === null) {
    throw new MultisignError('COMBINE_SIGNATURE_INVALID', 'malformed VerifiedSignature', {
      account: signature?.account,
    });
  }
  return { signature, accountId: accountIdOf(signature.account), signingPubKey, txnSignature };
}

/**
 * Build the multisigned transaction: the prepared bytes with a `Signers` array sorted by numeric
 * AccountID. Byte-identical to xrpl.js `multisign()` on the same valid inputs, but it refuses what
 * multisign() lets through: no signatures or more than 32 (COMBINE_SIGNER_COUNT), more than the Fee
 * covers (COMBINE_FEE_TOO_LOW), two different signatures of one signer (COMBINE_DUPLICATE_SIGNER;
 * an identical repeat is dropped), the account signing for itself (COMBINE_SELF_SIGNER).
 *
 * Signatures verified by verifySignerBlob() in this process for this prepared transaction are used
 * as they are; any other VerifiedSignature (e.g. reloaded from storage) is re-checked: key format,
 * canonical signature, the signature over the multisigning data, and for `keyType: 'master'` that
 * the key derives the signer's account (COMBINE_SIGNATURE_INVALID otherwise). Key authorisation
 * against ledger facts and SignerList membership are verifySignerBlob()'s job.
 *
 * @throws MultisignError (COMBINE_* codes, PREPARED_INCONSISTENT).
 */
export function combine(
  prepared: PreparedTransaction,
  signatures: readonly VerifiedSignature[],
): CombinedTransaction {
  const layout = preparedBytes(prepared);
  if (!isList(signatures) || signatures.length === 0) {
    throw new MultisignError('COMBINE_SIGNER_COUNT', 'combine needs at least one signature', { count: 0 });
  }
  const byAccount = new Map<string, SortableSigner>();
  for (const signature of signatures) {
    const signer = toSignerBytes(signature);
    const existing = byAccount.get(signature.account);
    if (existing !== undefined) {
      if (
        Buffer.compare(existing.signingPubKey, signer.signingPubKey) === 0 &&
        Buffer.compare(existing.txnSignature, signer.txnSignature) === 0
      ) {
        continue;
      }
      throw new MultisignError('COMBINE_DUPLICATE_SIGNER', 'two different signatures from the same signer', {
        account: signature.account,
      });
    }
    if (signature.account === prepared.account) {
      throw new MultisignError('COMBINE_SELF_SIGNER', 'the multisig account cannot sign for itself', {
        account: signature.account,
      });
    }
    byAccount.set(signature.account, signer);
  }

  const count = byAccount.size;
  if (count > MAX_SIGNERS) {
    throw new MultisignError('COMBINE_SIGNER_COUNT', `at most ${MAX_SIGNERS} signatures`, { count });
  }
  if (count > prepared.maxSignatures) {
    throw new MultisignError(
      'COMBINE_FEE_TOO_LOW',
      `the prepared Fee covers ${prepared.maxSignatures} signatures`,
      {
        count,
        maxSignatures: prepared.maxSignatures,
      },
    );
  }

  for (const signer of byAccount.values()) {
    const { signature } = signer;
    if (verifiedHere.get(signature) === layout.encodedHex) continue;
    const checked = checkSignatureCrypto(layout, signer);
    const keyAccountId = 'ok' in checked ? null : accountIdOfPublicKey(signer.signingPubKey);
    const keyMatchesType =
      keyAccountId !== null && (signature.keyType === 'master') === keyAccountId.equals(signer.accountId);
    if ('ok' in checked || !keyMatchesType) {
      throw new MultisignError(
        'COMBINE_SIGNATURE_INVALID',
        'a signature does not verify for this transaction',
        {
          account: signature.account,
          reason: 'ok' in checked ? checked.code : 'KEY_TYPE_MISMATCH',
        },
      );
    }
  }

  const sorted = [...byAccount.values()].sort((a, b) => Buffer.compare(a.accountId, b.accountId));
  const blobBytes = Buffer.concat([layout.head, encodeSignersArray(sorted), layout.tail]);
  const tx = Object.freeze({
    ...prepared.txJson,
    Signers: sorted.map(({ signature }) =>
      Object.freeze({
        Signer: Object.freeze({
          Account: signature.account,
          SigningPubKey: signature.signingPubKey.toUpperCase(),
          TxnSignature: signature.txnSignature.toUpperCase(),
        }),
      }),
    ),
  });
  return { blob: blobBytes.toString('hex').toUpperCase(), hash: transactionHash(blobBytes), tx };
}
