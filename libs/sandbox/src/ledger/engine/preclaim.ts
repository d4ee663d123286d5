/**
 * preclaim: the checks against the ledger before anything changes (SeqProxy, LastLedgerSequence,
 * fee, signature authorization, then each transactor's preclaim), with rippled's ter/tef/tec codes.
 */
import { MAX_TICKETS, lsfRequireDestTag } from '../constants';
import type { AccountRoot, LedgerState } from '../state';
import { baseFeeFor, reserveFor, scaledFee } from './fees';
import { checkMultiSign, checkSingleSign } from './signatures';
import { dropsOf, seqProxyOf, u32 } from './tx-fields';
import type { EngineEnv, TxJson } from './types';

function checkSeqProxy(state: LedgerState, tx: TxJson): string {
  const acct = state.account(tx.Account as string);
  if (!acct) return 'terNO_ACCOUNT';
  const sp = seqProxyOf(tx);
  if (sp.kind === 'seq') {
    // Transactor::checkSeqProxy: a non-zero Sequence together with a TicketSequence
    if (tx.TicketSequence !== undefined) return 'temSEQ_AND_TICKET';
    if (acct.Sequence < sp.value) return 'terPRE_SEQ';
    if (acct.Sequence > sp.value) return 'tefPAST_SEQ';
  } else {
    if (acct.Sequence <= sp.value) return 'terPRE_TICKET';
    if (!state.ticket(acct.Account, sp.value)) return 'tefNO_TICKET';
  }
  return 'tesSUCCESS';
}

export function preclaim(state: LedgerState, tx: TxJson, hash: string, env: EngineEnv): string {
  const seqResult = checkSeqProxy(state, tx);
  if (seqResult !== 'tesSUCCESS') return seqResult;
  // checkPriorTxAndLastLedger
  const lls = u32(tx.LastLedgerSequence);
  if (lls !== undefined && env.ledgerIndex > lls) return 'tefMAX_LEDGER';
  if (env.txInLedger(hash)) return 'tefALREADY';
  // checkFee
  const acct = state.account(tx.Account as string) as AccountRoot;
  const fee = dropsOf(tx.Fee) ?? 0n;
  if (env.open) {
    const due = scaledFee(baseFeeFor(state, tx, env), env.loadFactor);
    if (fee < due) return 'telINSUF_FEE_P';
  }
  if (fee > 0n) {
    const balance = BigInt(acct.Balance);
    if (balance < fee) {
      if (balance > 0n && !env.open) return 'tecINSUFF_FEE';
      return 'terINSUF_FEE_B';
    }
  }
  // checkSign
  const spk = tx.SigningPubKey as string;
  const signResult = spk.length === 0 ? checkMultiSign(state, tx) : checkSingleSign(acct, spk);
  if (signResult !== 'tesSUCCESS') return signResult;

  switch (tx.TransactionType) {
    case 'Payment': {
      const dst = state.account(tx.Destination as string);
      const amount = BigInt(tx.Amount as string);
      if (!dst) {
        if (amount < reserveFor(env, 0)) return 'tecNO_DST_INSUF_XRP';
      } else if ((dst.Flags & lsfRequireDestTag) !== 0 && tx.DestinationTag === undefined) {
        return 'tecDST_TAG_NEEDED';
      }
      return 'tesSUCCESS';
    }
    case 'TicketCreate': {
      const current = acct.TicketCount ?? 0;
      const consumed = seqProxyOf(tx).kind === 'ticket' ? 1 : 0;
      if (current + (tx.TicketCount as number) - consumed > MAX_TICKETS) return 'tecDIR_FULL';
      return 'tesSUCCESS';
    }
    default:
      return 'tesSUCCESS';
  }
}
