/** Drops (a whole-number string) shown in XRP, the exact drops on hover and to screen readers. */
export function Xrp({ drops }: { drops: unknown }) {
  if (typeof drops !== 'string' || !/^\d+$/.test(drops)) {
    return <span>{drops === undefined || drops === null ? '—' : JSON.stringify(drops)}</span>;
  }
  return (
    <span class="amount" title={`${Number(drops).toLocaleString('en-US')} drops`} tabIndex={0}>
      {dropsToXrp(drops)} XRP
    </span>
  );
}

export function dropsToXrp(drops: string): string {
  const padded = drops.padStart(7, '0');
  const whole = padded.slice(0, -6).replace(/^0+(?=\d)/, '');
  const fraction = padded.slice(-6).replace(/0+$/, '');
  return `${Number(whole).toLocaleString('en-US')}${fraction ? `.${fraction}` : ''}`;
}

/** "1.5" XRP -> "1500000" drops; null when it is not a positive amount with at most 6 decimals. */
export function xrpToDrops(xrp: string): string | null {
  const match = /^(\d{1,11})(?:\.(\d{1,6}))?$/.exec(xrp.trim());
  if (!match) return null;
  const drops = BigInt(match[1]!) * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0') || '0');
  return drops > 0n ? drops.toString() : null;
}

/** A form field's text, trimmed ('' when absent). */
export const formText = (form: FormData, name: string): string => {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
};

export const when = (value: unknown): string =>
  typeof value === 'string' && value ? new Date(value).toLocaleString() : '—';

export function StateBadge({ state }: { state: string }) {
  return <span class={`badge badge-${state}`}>{state.replace(/_/g, ' ')}</span>;
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : JSON.stringify(error);
  const code = (error as { code?: string }).code;
  return (
    <p class="error" role="alert">
      {message}
      {code && code !== 'NETWORK' ? <span class="code"> ({code})</span> : null}
    </p>
  );
}

export function Empty({ children }: { children: preact.ComponentChildren }) {
  return <p class="empty">{children}</p>;
}
