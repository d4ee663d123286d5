/** RPC: server_info, server_state, fee. */
import type { Chain } from '../chain';
import { SANDBOX_LOAD, dropsToXrpNumber, rippleTimeNow } from '../rpc-support';
import { scaledFee } from '../engine';

/** The node facts `server_info` and `server_state` share, field for field. */
function nodeFacts(chain: Chain) {
  return {
    build_version: '2.5.0-sandbox',
    complete_ledgers: chain.completeLedgers(),
    io_latency_ms: 1,
    jq_trans_overflow: '0',
    network_id: chain.networkId,
    peer_disconnects: '0',
    peer_disconnects_resources: '0',
    peers: 0,
    pubkey_node: 'n9SANDBOXLEDGER',
    server_state: 'full',
    server_state_duration_us: String((Date.now() - chain.startedAt) * 1000),
    time: new Date().toISOString(),
    uptime: Math.floor((Date.now() - chain.startedAt) / 1000),
  };
}

export function serverInfo(chain: Chain, admin: boolean): unknown {
  const v = chain.validatedLedger();
  const mult = chain.faults.openLedgerFeeMultiplier;
  return {
    info: {
      ...nodeFacts(chain),
      hostid: 'LEDGER-SANDBOX',
      // a standalone close is a simulated consensus round of 100 ms (Consensus::simulate)
      last_close: { converge_time_s: 0.1, proposers: 0 },
      load_factor: mult,
      validated_ledger: {
        age: Math.max(0, rippleTimeNow() - v.closeTime),
        base_fee_xrp: dropsToXrpNumber(chain.baseFee),
        hash: v.hash,
        reserve_base_xrp: dropsToXrpNumber(chain.reserveBase),
        reserve_inc_xrp: dropsToXrpNumber(chain.reserveInc),
        seq: v.index,
      },
      ...stateAccounting(chain),
      validation_quorum: 0,
      // NetworkOPs::getServerInfo, admin only: no validator key, no validator list
      ...(admin
        ? {
            load: SANDBOX_LOAD,
            pubkey_validator: 'none',
            validator_list: { count: 0, expiration: 'unknown', status: 'unknown' },
          }
        : {}),
      // deliberately not rippled: a marker for whoever asks, and no `ports` (the sandbox has one)
      sandbox: true,
    },
  };
}

export function serverState(chain: Chain, admin: boolean): unknown {
  const v = chain.validatedLedger();
  const mult = chain.faults.openLedgerFeeMultiplier;
  return {
    state: {
      ...nodeFacts(chain),
      last_close: { converge_time: 100, proposers: 0 },
      load_base: 256,
      load_factor: Math.round(256 * mult),
      load_factor_fee_escalation: Math.round(256 * mult),
      load_factor_fee_queue: 256,
      load_factor_fee_reference: 256,
      load_factor_server: 256,
      validated_ledger: {
        base_fee: Number(chain.baseFee),
        close_time: v.closeTime,
        hash: v.hash,
        reserve_base: Number(chain.reserveBase),
        reserve_inc: Number(chain.reserveInc),
        seq: v.index,
      },
      ...stateAccounting(chain),
      validation_quorum: 0,
      ...(admin ? { load: SANDBOX_LOAD, pubkey_validator: 'none', validator_list_expires: 0 } : {}),
    },
  };
}

/** `state_accounting`: standalone starts `full` and stays there. */
export function stateAccounting(chain: Chain): {
  state_accounting: Record<string, { duration_us: string; transitions: string }>;
} {
  const idle = { duration_us: '0', transitions: '0' };
  return {
    state_accounting: {
      connected: idle,
      disconnected: idle,
      full: { duration_us: String((Date.now() - chain.startedAt) * 1000), transitions: '1' },
      syncing: idle,
      tracking: idle,
    },
  };
}

export function fee(chain: Chain): unknown {
  const mult = chain.faults.openLedgerFeeMultiplier;
  const open = scaledFee(chain.baseFee, mult);
  return {
    current_ledger_size: String(chain.openTxs.length),
    current_queue_size: '0',
    drops: {
      base_fee: chain.baseFee.toString(),
      median_fee: (chain.baseFee * 500n).toString(),
      minimum_fee: chain.baseFee.toString(),
      open_ledger_fee: open.toString(),
    },
    expected_ledger_size: '1000',
    ledger_current_index: chain.currentLedgerIndex(),
    levels: {
      median_level: '128000',
      minimum_level: '256',
      open_ledger_level: String(Math.round(256 * mult)),
      reference_level: '256',
    },
    // TxQ: max(20 ledgers in queue x 1000 expected per ledger (standalone), 2000 minimum)
    max_queue_size: '20000',
  };
}
