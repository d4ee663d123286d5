import { randomUUID } from 'node:crypto';
import { xamanWebhookSignature } from '@app/sandbox';
import { startTestApi, TestApi } from './support/api';
import { cutOffDatabase } from './support/database';

const cursorOf = (time: string, id: string = randomUUID()) =>
  Buffer.from(`${time}|${id}`).toString('base64url');

describe('API answers to bad input and to failures it does not cause', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  describe('list cursors', () => {
    it('accepts a well-formed cursor of a real instant (none of our proposals: an empty page)', async () => {
      const res = await api.call('GET', `/v1/proposals?cursor=${cursorOf('2024-02-29T12:00:00.000Z')}`);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
    });

    it.each([
      ['month 13, day 45, 99:99:99', '2024-13-45T99:99:99.999Z'],
      ['month 00', '2024-00-10T00:00:00.000Z'],
      ['second 60', '2024-01-01T23:59:60.000Z'],
      ['February 30 (JS Date rolls it to March 1)', '2024-02-30T00:00:00.000Z'],
      ['February 29 of a common year', '2023-02-29T00:00:00.000Z'],
      ['April 31', '2024-04-31T00:00:00.000Z'],
      ['hour 24 (JS Date rolls it to the next day)', '2024-01-01T24:00:00.000Z'],
    ])(
      'refuses a forged cursor whose date does not exist (%s) with 400 INVALID_CURSOR',
      async (_case, time) => {
        const res = await api.call('GET', `/v1/proposals?cursor=${cursorOf(time)}`);
        expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'INVALID_CURSOR' });
      },
    );
  });

  it('refuses a malformed API key id with 400 VALIDATION_FAILED naming the parameter', async () => {
    const res = await api.call('DELETE', '/v1/api-keys/not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.fields).toEqual([{ field: 'id' }]);
  });

  describe('during a PostgreSQL outage', () => {
    let restore: (() => Promise<void>) | null = null;
    afterEach(async () => {
      await restore?.();
      restore = null;
    });

    const expectUnavailable = (res: { status: number; body: any; headers: Headers }) => {
      expect({ status: res.status, code: res.body.code }).toEqual({
        status: 503,
        code: 'DATABASE_UNAVAILABLE',
      });
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
    };

    it('reads answer 503 DATABASE_UNAVAILABLE with Retry-After, and 200 again once it is back', async () => {
      // Positive control: the same reads work before the outage.
      expect((await api.call('GET', '/v1/proposals')).status).toBe(200);
      restore = await cutOffDatabase(api.db.url);
      expect((await api.call('GET', '/health', undefined, null)).status).toBe(503);

      expectUnavailable(await api.call('GET', '/v1/proposals'));
      expectUnavailable(await api.call('GET', `/v1/proposals/${randomUUID()}`));

      await restore();
      restore = null;
      expect((await api.call('GET', '/v1/proposals')).status).toBe(200);
    });

    it('a correctly signed Xaman webhook answers 503 DATABASE_UNAVAILABLE with Retry-After (Xaman retries)', async () => {
      const body = JSON.stringify({
        meta: { payload_uuidv4: randomUUID(), application_uuidv4: api.config.xaman.apiKey },
        payloadResponse: { signed: true },
      });
      const webhook = () => {
        const timestamp = String(Math.floor(Date.now() / 1000));
        return api.call('POST', '/v1/webhooks/xaman', body, null, {
          'content-type': 'application/json',
          'x-xumm-request-timestamp': timestamp,
          'x-xumm-request-signature': xamanWebhookSignature(api.config.xaman.apiSecret, timestamp, body),
        });
      };
      restore = await cutOffDatabase(api.db.url);
      expectUnavailable(await webhook());
    });
  });
});
