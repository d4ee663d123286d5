/** The console's only way to the API: same-origin fetch with the session cookie and the CSRF header. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let onSignedOut: (reason: string) => void = () => undefined;
/** Called when any answer says the session is gone (401): the console shows the sign-in page. */
export function whenSignedOut(handler: (reason: string) => void): void {
  onSignedOut = handler;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        'X-Requested-With': 'msc-console',
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The service cannot be reached. Check that it is running.');
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed ?? {}) as { code?: string; message?: string; details?: unknown };
    const failure = new ApiError(
      response.status,
      error.code ?? `HTTP_${response.status}`,
      error.message ?? `The service answered ${response.status}.`,
      error.details,
    );
    if (response.status === 401 && !path.startsWith('/v1/sessions')) onSignedOut(failure.message);
    throw failure;
  }
  return parsed as T;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export const query = (params: Record<string, string | undefined>): string => {
  const entries = Object.entries(params).filter((e): e is [string, string] => !!e[1]);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
};
