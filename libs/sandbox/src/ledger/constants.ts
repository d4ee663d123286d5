import definitions from 'ripple-binary-codec/dist/enums/definitions.json';

/** The genesis account of a fresh `rippled --standalone` ledger (holds all 100 billion XRP). */
export const GENESIS = {
  address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh',
  seed: 'snoPBrXtMeMyMHUVTgbuqAfg1SUTb',
} as const;

/** 100 billion XRP in drops. */
export const TOTAL_COINS = 100_000_000_000_000_000n;

/** Seconds between the Unix epoch and the Ripple epoch (2000-01-01T00:00:00Z). */
export const RIPPLE_EPOCH_OFFSET = 946_684_800;

export const MAX_MULTI_SIGNERS = 32;
export const MAX_SIGNER_ENTRIES = 32;
export const MAX_TICKETS = 250;
/** rippled's LocalTxs::holdLedgers: a held transaction without LastLedgerSequence is dropped after this many closes. */
export const HOLD_LEDGERS = 5;

// Ledger-entry flags (AccountRoot / SignerList).
export const lsfPasswordSpent = 0x00010000;
export const lsfRequireDestTag = 0x00020000;
export const lsfRequireAuth = 0x00040000;
export const lsfDisallowXRP = 0x00080000;
export const lsfDisableMaster = 0x00100000;
export const lsfNoFreeze = 0x00200000;
export const lsfGlobalFreeze = 0x00400000;
export const lsfDefaultRipple = 0x00800000;
export const lsfDepositAuth = 0x01000000;
export const lsfOneOwnerCount = 0x00010000;

/** AccountSet `SetFlag`/`ClearFlag` values (asf*) mapped to the AccountRoot flag they toggle. */
export const ACCOUNT_SET_FLAGS: Record<number, number> = {
  1: lsfRequireDestTag,
  2: lsfRequireAuth,
  3: lsfDisallowXRP,
  4: lsfDisableMaster,
  6: lsfNoFreeze,
  7: lsfGlobalFreeze,
  8: lsfDefaultRipple,
  9: lsfDepositAuth,
};
export const asfDisableMaster = 4;
export const asfNoFreeze = 6;

// Transaction flags.
export const tfFullyCanonicalSig = 0x80000000;
export const tfInnerBatchTxn = 0x40000000;
export const tfUniversal = (tfFullyCanonicalSig | tfInnerBatchTxn) >>> 0;
export const tfNoRippleDirect = 0x00010000;
export const tfPartialPayment = 0x00020000;
export const tfLimitQuality = 0x00040000;
export const tfRequireDestTag = 0x00010000;
export const tfOptionalDestTag = 0x00020000;
export const tfRequireAuth = 0x00040000;
export const tfOptionalAuth = 0x00080000;
export const tfDisallowXRP = 0x00100000;
export const tfAllowXRP = 0x00200000;

/** Engine result numbers, straight from ripple-binary-codec's definitions.json. */
export const TER_CODES: Readonly<Record<string, number>> = definitions.TRANSACTION_RESULTS;

/** rippled's human messages (src/libxrpl/protocol/TER.cpp) for the codes this sandbox can produce. */
export const TER_MESSAGES: Readonly<Record<string, string>> = {
  tesSUCCESS: 'The transaction was applied. Only final in a validated ledger.',
  tecDIR_FULL: 'Can not add entry to full directory.',
  tecNO_DST: 'Destination does not exist. Send XRP to create it.',
  tecNO_DST_INSUF_XRP: 'Destination does not exist. Too little XRP sent to create it.',
  tecNO_ALTERNATIVE_KEY: 'The operation would remove the ability to sign transactions with the account.',
  tecUNFUNDED_PAYMENT: 'Insufficient XRP balance to send.',
  tecINSUFF_FEE: 'Insufficient balance to pay fee.',
  tecNO_PERMISSION: 'No permission to perform requested operation.',
  tecINSUFFICIENT_RESERVE: 'Insufficient reserve to complete requested operation.',
  tecNEED_MASTER_KEY: 'The operation requires the use of the Master Key.',
  tecDST_TAG_NEEDED: 'A destination tag is required.',
  tefALREADY: 'The exact transaction was already in this ledger.',
  tefBAD_AUTH: "Transaction's public key is not authorized.",
  tefBAD_QUORUM: 'Signatures provided do not meet the quorum.',
  tefBAD_SIGNATURE: 'A signature is provided for a non-signer.',
  tefMASTER_DISABLED: 'Master key is disabled.',
  tefMAX_LEDGER: 'Ledger sequence too high.',
  tefNOT_MULTI_SIGNING: 'Account has no appropriate list of multi-signers.',
  tefPAST_SEQ: 'This sequence number has already passed.',
  tefBAD_AUTH_MASTER: 'Auth for unclaimed account needs correct master key.',
  tefNO_TICKET: 'Ticket is not in ledger.',
  telBAD_DOMAIN: 'Domain too long.',
  telINSUF_FEE_P: 'Fee insufficient.',
  telNO_DST_PARTIAL: 'Partial payment to create account not allowed.',
  telWRONG_NETWORK: 'Transaction specifies a Network ID that differs from that of the local node.',
  telREQUIRES_NETWORK_ID:
    'Transactions submitted to this node/network must include a correct NetworkID field.',
  telNETWORK_ID_MAKES_TX_NON_CANONICAL:
    'Transactions submitted to this node/network must NOT include a NetworkID field.',
  temMALFORMED: 'Malformed transaction.',
  temBAD_AMOUNT: 'Malformed: Bad amount.',
  temBAD_CURRENCY: 'Malformed: Bad currency.',
  temBAD_FEE: 'Invalid fee, negative or not XRP.',
  temBAD_QUORUM: 'Malformed: Quorum is unreachable.',
  temBAD_REGKEY: 'Malformed: Regular key cannot be same as master key.',
  temBAD_SEND_XRP_LIMIT: 'Malformed: Limit quality is not allowed for XRP to XRP.',
  temBAD_SEND_XRP_MAX: 'Malformed: Send max is not allowed for XRP to XRP.',
  temBAD_SEND_XRP_NO_DIRECT: 'Malformed: No Ripple direct is not allowed for XRP to XRP.',
  temBAD_SEND_XRP_PARTIAL: 'Malformed: Partial payment is not allowed for XRP to XRP.',
  temBAD_SEND_XRP_PATHS: 'Malformed: Paths are not allowed for XRP to XRP.',
  temBAD_SIGNATURE: 'Malformed: Bad signature.',
  temBAD_SIGNER: 'Malformed: No signer may duplicate account or other signers.',
  temBAD_SRC_ACCOUNT: 'Malformed: Bad source account.',
  temBAD_TRANSFER_RATE: 'Malformed: Transfer rate must be >= 1.0 and <= 2.0',
  temBAD_WEIGHT: 'Malformed: Weight must be a positive value.',
  temDST_IS_SRC: 'Destination may not be source.',
  temDST_NEEDED: 'Destination not specified.',
  temINVALID: 'The transaction is ill-formed.',
  temINVALID_FLAG: 'The transaction has an invalid flag.',
  temREDUNDANT: 'The transaction is redundant.',
  temDISABLED: 'The transaction requires logic that is currently disabled.',
  temINVALID_COUNT: 'Malformed: Count field outside valid range.',
  temSEQ_AND_TICKET: 'Transaction contains a TicketSequence and a non-zero Sequence.',
  temUNKNOWN: 'The transaction requires logic that is not implemented yet.',
  terINSUF_FEE_B: "Account balance can't pay fee.",
  terNO_ACCOUNT: 'The source account does not exist.',
  terPRE_SEQ: 'Missing/inapplicable prior transaction.',
  terPRE_TICKET: 'Ticket is not yet in ledger.',
  terQUEUED: 'Held until escalated fee drops.',
  terRETRY: 'Retry transaction.',
};

export function terCode(token: string): number {
  const code = TER_CODES[token];
  if (code === undefined) throw new Error(`unknown engine result ${token}`);
  return code;
}

export function terMessage(token: string): string {
  return TER_MESSAGES[token] ?? token;
}

export type TerClass = 'tes' | 'tec' | 'tef' | 'tel' | 'tem' | 'ter';
export function terClass(token: string): TerClass {
  return token.slice(0, 3) as TerClass;
}

/** rippled RPC errors (include/xrpl/protocol/ErrorCodes.h + ErrorCodes.cpp). */
export const RPC_ERRORS = {
  badSyntax: { code: 1, message: 'Syntax error.' },
  noPermission: { code: 6, message: "You don't have permission for this command." },
  actNotFound: { code: 19, message: 'Account not found.' },
  lgrNotFound: { code: 21, message: 'ledgerNotFound' },
  txnNotFound: { code: 29, message: 'Transaction not found.' },
  invalidParams: { code: 31, message: 'Invalid parameters.' },
  unknownCmd: { code: 32, message: 'Unknown method.' },
  actMalformed: { code: 35, message: 'Account malformed.' },
  missingCommand: { code: 47, message: 'Missing command entry.' },
  lgrIdxMalformed: { code: 58, message: 'ledgerIndexMalformed' },
  malformedStream: { code: 71, message: 'Stream malformed.' },
  internal: { code: 73, message: 'Internal error.' },
  notSupported: { code: 75, message: 'Operation not supported.' },
  excessiveLgrRange: { code: 78, message: 'Ledger range exceeds 1000.' },
  invalidLgrRange: { code: 79, message: 'Ledger range is invalid.' },
} as const;
export type RpcErrorToken = keyof typeof RPC_ERRORS;
