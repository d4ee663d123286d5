import { api, ApiError } from './api';

/**
 * Pages for routes this service may not have yet: each is probed once with a harmless request (a
 * nil id or an empty body); only a 404 ROUTE_NOT_FOUND hides the feature.
 */
const NIL = '00000000-0000-4000-8000-000000000000';
const PROBES = {
  webhooks: ['GET', '/v1/webhook-subscriptions'],
  enrolment: ['POST', `/v1/accounts/${NIL}/signers/rrrrrrrrrrrrrrrrrrrrrhoLvTp/enrolment`],
  signerList: ['POST', `/v1/accounts/${NIL}/signer-list`],
  renew: ['POST', `/v1/proposals/${NIL}/renew`],
  accountHealth: ['GET', `/v1/accounts/${NIL}/health`],
} as const;

export type Feature = keyof typeof PROBES;
export type Features = Record<Feature, boolean>;

export async function detectFeatures(): Promise<Features> {
  const entries = await Promise.all(
    (Object.entries(PROBES) as [Feature, readonly [string, string]][]).map(async ([name, [method, path]]) => {
      try {
        await api(method, path, method === 'POST' ? {} : undefined);
        return [name, true] as const;
      } catch (error) {
        return [name, !(error instanceof ApiError && error.code === 'ROUTE_NOT_FOUND')] as const;
      }
    }),
  );
  return Object.fromEntries(entries) as Features;
}
