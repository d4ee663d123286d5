import { decode, encodeForSigning } from 'ripple-binary-codec';
import { deriveAddress, verify } from 'ripple-keypairs';
import { SignerFacts } from '@app/multisign';

export type SignInRefusalCode =
  | 'ENROLMENT_BLOB_MALFORMED'
  | 'ENROLMENT_WRONG_ACCOUNT'
  | 'ENROLMENT_SIGNATURE_INVALID'
  | 'ENROLMENT_MASTER_DISABLED'
  | 'ENROLMENT_KEY_NOT_AUTHORISED';

export type SignInProof =
  { ok: true; keyType: 'master' | 'regular' } | { ok: false; code: SignInRefusalCode; message: string };

const refuse = (code: SignInRefusalCode, message: string): SignInProof => ({ ok: false, code, message });

/**
 * Proves that `expected` signed a Xaman SignIn: the SignIn blob is a single-signed pseudo-transaction
 * (`Account`, `SigningPubKey`, `TxnSignature`). Its Account (and Xaman's `response.account`) must be
 * the expected address, its TxnSignature must verify over the signing data (`STX\0` + the fields
 * without the signature), and the key must be one the ledger lets sign for the account: the master
 * key unless disabled, or the current RegularKey (an unfunded account: master key only).
 */
export function proveSignIn(
  hex: string,
  expected: string,
  reportedAccount: string | null,
  facts: SignerFacts,
): SignInProof {
  let tx: Record<string, unknown>;
  try {
    tx = decode(hex);
  } catch {
    return refuse('ENROLMENT_BLOB_MALFORMED', 'The SignIn blob does not decode.');
  }
  const { Account, SigningPubKey, TxnSignature } = tx;
  if (typeof SigningPubKey !== 'string' || SigningPubKey === '' || typeof TxnSignature !== 'string') {
    return refuse('ENROLMENT_BLOB_MALFORMED', 'The SignIn blob is not single-signed.');
  }
  if (Account !== expected || (reportedAccount !== null && reportedAccount !== expected)) {
    return refuse(
      'ENROLMENT_WRONG_ACCOUNT',
      `The SignIn was signed for ${String(reportedAccount ?? Account)}, not ${expected}.`,
    );
  }
  const signed = { ...tx };
  delete signed.TxnSignature;
  let valid: boolean;
  try {
    valid = verify(encodeForSigning(signed), TxnSignature, SigningPubKey);
  } catch {
    valid = false;
  }
  if (!valid) return refuse('ENROLMENT_SIGNATURE_INVALID', 'The SignIn signature does not verify.');
  const keyAccount = deriveAddress(SigningPubKey);
  if (keyAccount === expected) {
    if (facts.funded && facts.masterDisabled) {
      return refuse('ENROLMENT_MASTER_DISABLED', `${expected} disabled the master key that signed.`);
    }
    return { ok: true, keyType: 'master' };
  }
  if (facts.funded && facts.regularKey === keyAccount) return { ok: true, keyType: 'regular' };
  return refuse(
    'ENROLMENT_KEY_NOT_AUTHORISED',
    `The key that signed (${keyAccount}) is neither the master key nor the RegularKey of ${expected}.`,
  );
}
