/**
 * @app/multisign against the plain way (ripple-keypairs `verify` + xrpl.js `multisign`), measured in
 * the same run on the same blobs. Prints figures; asserts nothing about time.
 *
 * "Plain" verification of a signer blob = decode the blob, `encodeForMultisigning(tx, Signer.Account)`,
 * ripple-keypairs `verify` (it checks only the signature, none of the other rules ours applies).
 * Ours = `verifySignerBlob` (every rule: shape, byte-identical tx, account, DER/low-S, signature,
 * key authorisation, SignerList membership).
 */
import { cpus, loadavg } from 'node:os';
import { decode, encode, encodeForMultisigning } from 'ripple-binary-codec';
import { verify as keypairsVerify } from 'ripple-keypairs';
import { multisign, validate, type Wallet } from 'xrpl';
import {
  combine,
  cryptoBackend,
  prepare,
  verifySignerBlob,
  type PreparedTransaction,
  type PrepareFacts,
  type SignerList,
  type VerifiedSignature,
} from '@app/multisign';
import {
  manySigners,
  paymentTemplate,
  signBlob,
  treasury,
} from '../../libs/multisign/test/multisign.fixtures';

interface Measurement {
  /** Wall-clock time per operation. */
  readonly msPerOp: number;
  readonly opsPerSecond: number;
  /** Process CPU time (user + system) per operation: less sensitive to other load on a shared box. */
  readonly cpuMsPerOp: number;
  readonly iterations: number;
}

/**
 * Runs `ours` and `plain` in alternating ~25 ms slices until `totalMs`, so both see the same machine
 * load (this box is shared; a sequential A-then-B run skews the ratio when the load changes).
 */
function compare(
  ours: () => unknown,
  plain: () => unknown,
  totalMs = 3000,
): { ours: Measurement; plain: Measurement } {
  const sides = [ours, plain];
  for (const work of sides) {
    const warmUntil = performance.now() + 150;
    while (performance.now() < warmUntil) work();
  }
  const ops = [0, 0];
  const ns = [0n, 0n];
  const cpuMicros = [0, 0];
  const deadline = performance.now() + totalMs;
  while (performance.now() < deadline || ops[0]! < 20 || ops[1]! < 20) {
    sides.forEach((work, side) => {
      const cpuStart = process.cpuUsage();
      const started = process.hrtime.bigint();
      const sliceEnd = started + 25_000_000n;
      let now = started;
      do {
        work();
        ops[side]!++;
        now = process.hrtime.bigint();
      } while (now < sliceEnd);
      ns[side]! += now - started;
      const cpu = process.cpuUsage(cpuStart);
      cpuMicros[side]! += cpu.user + cpu.system;
    });
  }
  const result = (side: number): Measurement => {
    const ms = Number(ns[side]!) / 1e6;
    return {
      msPerOp: ms / ops[side]!,
      opsPerSecond: (ops[side]! * 1000) / ms,
      cpuMsPerOp: cpuMicros[side]! / 1000 / ops[side]!,
      iterations: ops[side]!,
    };
  };
  return { ours: result(0), plain: result(1) };
}

const fmt = (n: number, digits = 3) => n.toFixed(digits).padStart(9);

function row(label: string, ours: Measurement, plain: Measurement, unit: 'ops' | 'ms'): void {
  const cpuRatio = (plain.cpuMsPerOp / ours.cpuMsPerOp).toFixed(1);
  if (unit === 'ops') {
    const cpuRate = (m: Measurement) => fmt(1000 / m.cpuMsPerOp, 0);
    console.log(
      `${label.padEnd(46)} ours ${fmt(ours.opsPerSecond, 0)}/s (per CPU-s ${cpuRate(ours)})  ` +
        `plain ${fmt(plain.opsPerSecond, 0)}/s (per CPU-s ${cpuRate(plain)})  ` +
        `ratio ${(ours.opsPerSecond / plain.opsPerSecond).toFixed(1)}x (CPU ${cpuRatio}x)`,
    );
  } else {
    console.log(
      `${label.padEnd(46)} ours ${fmt(ours.msPerOp)} ms (CPU ${fmt(ours.cpuMsPerOp)} ms)  ` +
        `plain ${fmt(plain.msPerOp)} ms (CPU ${fmt(plain.cpuMsPerOp)} ms)  ` +
        `ratio ${(plain.msPerOp / ours.msPerOp).toFixed(1)}x (CPU ${cpuRatio}x)`,
    );
  }
}

function facts(signatureCount: number): PrepareFacts {
  return {
    account: treasury.classicAddress,
    sequence: { ticketSequence: 42 },
    fee: { baseFeeDrops: 10, cushion: 1.2 },
    signatureCount,
    lastLedgerSequence: 9_000_000,
  };
}

interface Scenario {
  readonly wallets: Wallet[];
  readonly signerList: SignerList;
  readonly prepared: PreparedTransaction;
  readonly blobs: string[];
}

function scenario(count: number, wallets: Wallet[]): Scenario {
  const chosen = wallets.slice(0, count);
  const signerList = {
    quorum: count,
    entries: chosen.map((w) => ({ account: w.classicAddress, weight: 1 })),
  };
  const prepared = prepare(paymentTemplate, facts(count));
  return { wallets: chosen, signerList, prepared, blobs: chosen.map((w) => signBlob(prepared, w)) };
}

const signerFacts = { funded: true, masterDisabled: false, regularKey: null };

function oursVerify(s: Scenario, i: number, prepared = s.prepared): VerifiedSignature {
  const account = s.wallets[i]!.classicAddress;
  const result = verifySignerBlob(prepared, s.blobs[i]!, account, { signerList: s.signerList, signerFacts });
  if (!result.ok) throw new Error(`bench fixture refused: ${result.code}`);
  return result.signature;
}

function plainVerify(blob: string): void {
  const tx = decode(blob) as {
    Signers: { Signer: { Account: string; SigningPubKey: string; TxnSignature: string } }[];
  };
  const signer = tx.Signers[0]!.Signer;
  if (!keypairsVerify(encodeForMultisigning(tx, signer.Account), signer.TxnSignature, signer.SigningPubKey)) {
    throw new Error('bench fixture did not verify the plain way');
  }
}

/** The plain way of fixing the fields: spread, xrpl validate(), encode. */
function plainPrepare(count: number): Record<string, unknown> {
  const tx = {
    ...paymentTemplate,
    Account: treasury.classicAddress,
    Sequence: 0,
    TicketSequence: 42,
    Fee: String(12 * (1 + count)),
    LastLedgerSequence: 9_000_000,
    SigningPubKey: '',
  };
  validate(tx);
  encode(tx);
  return tx;
}

export function run(): void {
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(`${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}; load average ${load()}`);
  const backend = cryptoBackend();
  console.log(`crypto backend: ${backend.description}${backend.fallback ? '  <-- FALLBACK' : ''}`);

  const wallets = manySigners(32); // alternating ed25519 / secp256k1
  const big = scenario(32, wallets);

  console.log(
    '\n-- single signer-blob verification (whole pipeline vs decode + encodeForMultisigning + keypairs.verify)',
  );
  for (const [label, parity] of [
    ['ed25519', 0],
    ['secp256k1', 1],
  ] as const) {
    const indices = big.wallets.map((_, i) => i).filter((i) => i % 2 === parity);
    let k = 0;
    let m = 0;
    const { ours, plain } = compare(
      () => oursVerify(big, indices[k++ % indices.length]!),
      () => plainVerify(big.blobs[indices[m++ % indices.length]!]!),
    );
    row(`verifySignerBlob ${label} (16 signers rotating)`, ours, plain, 'ops');
  }

  console.log('\n-- signature check only (same message, same key)');
  {
    for (const i of [0, 1]) {
      const tx = decode(big.blobs[i]!) as {
        Signers: { Signer: { SigningPubKey: string; TxnSignature: string } }[];
      };
      const { SigningPubKey, TxnSignature } = tx.Signers[0]!.Signer;
      const msg = encodeForMultisigning(big.prepared.txJson, big.wallets[i]!.classicAddress);
      const { ours, plain } = compare(
        () => oursVerify(big, i),
        () => keypairsVerify(msg, TxnSignature, SigningPubKey),
        2000,
      );
      row(
        `${i === 0 ? 'ed25519' : 'secp256k1'}: verifySignerBlob vs keypairs.verify alone`,
        ours,
        plain,
        'ops',
      );
    }
  }

  console.log(
    '\n-- proposal: prepare + verify every blob + combine (ours) vs plain prepare + verify + multisign()',
  );
  for (const count of [8, 32]) {
    const s = count === 32 ? big : scenario(count, wallets);
    const { ours, plain } = compare(
      () => {
        const prepared = prepare(paymentTemplate, facts(count));
        const signatures = s.blobs.map((_, i) => oursVerify(s, i, prepared));
        return combine(prepared, signatures);
      },
      () => {
        plainPrepare(count);
        s.blobs.forEach((blob) => plainVerify(blob));
        return multisign(s.blobs);
      },
    );
    row(`prepare+verify+combine, ${count} signers`, ours, plain, 'ms');
    if (
      combine(
        s.prepared,
        s.blobs.map((_, i) => oursVerify(s, i)),
      ).blob !== multisign(s.blobs)
    ) {
      throw new Error('combined bytes differ from xrpl.js multisign()');
    }
  }

  console.log('\n-- verify + combine on an already prepared transaction (the webhook hot path)');
  for (const count of [8, 32]) {
    const s = count === 32 ? big : scenario(count, wallets);
    const { ours, plain } = compare(
      () =>
        combine(
          s.prepared,
          s.blobs.map((_, i) => oursVerify(s, i)),
        ),
      () => {
        s.blobs.forEach((blob) => plainVerify(blob));
        return multisign(s.blobs);
      },
    );
    row(`verify+combine, ${count} signers`, ours, plain, 'ms');
  }

  console.log('\n-- combine alone, 32 signatures');
  {
    const signatures = big.blobs.map((_, i) => oursVerify(big, i));
    const reloaded = JSON.parse(JSON.stringify(signatures)) as VerifiedSignature[];
    const plainCombine = () => multisign(big.blobs);
    const fresh = compare(() => combine(big.prepared, signatures), plainCombine, 1500);
    row('combine (verified here) vs multisign()', fresh.ours, fresh.plain, 'ms');
    const again = compare(() => combine(big.prepared, reloaded), plainCombine, 1500);
    row('combine (reloaded: re-verifies all 32) vs multisign()', again.ours, again.plain, 'ms');
  }
  console.log(`\nload average at the end: ${load()}`);
}
