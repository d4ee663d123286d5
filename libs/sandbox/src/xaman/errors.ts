/** The two kinds of refusal the Xaman sandbox gives. */

/** A refusal of the control API / in-process helpers: HTTP status + stable code. */
export class XamanSandboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'XamanSandboxError';
  }
}

/** A Xaman "soft" API error: `{"error":{"reference","code"}}` with an HTTP status. */
export class SoftError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
  ) {
    super(`Xaman API error ${code}`);
  }
}
