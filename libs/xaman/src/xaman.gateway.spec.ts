import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { XamanGateway } from './xaman.gateway';

describe('XamanGateway against a platform that never answers', () => {
  let server: Server;
  let gateway: XamanGateway;
  beforeAll(async () => {
    server = createServer(() => undefined); // accepts, never responds
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    gateway = new XamanGateway({
      apiKey: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
      apiSecret: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      timeoutMs: 200,
    });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    [
      'payload create',
      () =>
        gateway.createPayload({
          txjson: { TransactionType: 'Payment' },
          signer: 'rX',
          expireMinutes: 5,
          identifier: 'x',
        }),
    ],
    ['payload get', () => gateway.getPayload('00000000-0000-4000-8000-000000000000')],
    ['payload ci lookup', () => gateway.getPayloadByIdentifier('x')],
    ['payload cancel', () => gateway.cancelPayload('00000000-0000-4000-8000-000000000000')],
  ])('%s fails as retryable after the timeout instead of hanging', async (action, call) => {
    const started = Date.now();
    await expect(call()).rejects.toMatchObject({
      code: 'XAMAN_UNAVAILABLE',
      retryable: true,
      message: expect.stringContaining(action),
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
