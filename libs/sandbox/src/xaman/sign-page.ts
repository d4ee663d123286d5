/**
 * `GET /sign/:uuid`: the page a browser sees behind `next.always`, marked SANDBOX, with the
 * payload's state and buttons that act as a simulated phone through the control API.
 */
import type { ServerResponse } from 'node:http';

import { isExpired, type PayloadRec } from './records';

export function sendSignPage(res: ServerResponse, uuid: string, p: PayloadRec | undefined): void {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const state = p
    ? p.resolved
      ? p.signed
        ? 'signed'
        : 'rejected'
      : p.cancelled
        ? 'cancelled'
        : isExpired(p)
          ? 'expired'
          : 'open'
    : 'not found';
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>Xaman SANDBOX sign request</title></head><body>` +
    `<h1>Xaman SANDBOX</h1><p>This is a simulated Xaman sign request, not the real Xaman platform.</p>` +
    `<p>Payload <code>${esc(uuid)}</code>: <b>${state}</b></p>` +
    (p
      ? `<pre>${esc(JSON.stringify(p.requestJson, null, 2))}</pre>` +
        `<p>Act as a simulated phone (control API <code>POST /sandbox/payloads/${esc(uuid)}/{open,sign,reject}</code>).` +
        ` User token (needed only when the payload was not pushed to a sandbox user):` +
        ` <input id="t" size="40"></p>` +
        `<p><button onclick="act('sign')">Sign</button> <button onclick="act('reject')">Reject</button></p>` +
        `<pre id="out"></pre>` +
        `<script>async function act(a){const t=document.getElementById('t').value.trim();` +
        `const r=await fetch('/sandbox/payloads/${esc(uuid)}/'+a,{method:'POST',headers:{'content-type':'application/json'},` +
        `body:JSON.stringify(t?{userToken:t,deeplink:false}:{deeplink:false})});` +
        `document.getElementById('out').textContent=r.status+' '+JSON.stringify((await r.json()).error||'done');}</script>`
      : '') +
    `</body></html>`;
  res.writeHead(p ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'x-sandbox': 'xaman' });
  res.end(html);
}
