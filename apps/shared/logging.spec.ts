import { loggableUrl } from './logging';

describe('loggableUrl: what a request log line says of the URL', () => {
  it('keeps a path and the list filters as they are', () => {
    expect(loggableUrl('/v1/proposals/1b2c')).toBe('/v1/proposals/1b2c');
    expect(loggableUrl('/v1/proposals?state=collecting&limit=20&cursor=abc')).toBe(
      '/v1/proposals?state=collecting&limit=20&cursor=abc',
    );
  });

  it.each([
    ['/v1/accounts?access_token=msc_abc_SECRET', '/v1/accounts?access_token=[redacted]'],
    ['/v1/accounts?token=0f1e2d3c', '/v1/accounts?token=[redacted]'],
    ['/v1/accounts?access%5Ftoken=SECRET', '/v1/accounts?access%5Ftoken=[redacted]'],
    ['/v1/accounts?state=x&key=SECRET&key=OTHER', '/v1/accounts?state=x&key=[redacted]&key=[redacted]'],
    ['/v1/accounts?bad%zzname=SECRET', '/v1/accounts?bad%zzname=[redacted]'],
    ['/v1/proposals?cursor=msc_abc_SECRET', '/v1/proposals?cursor=msc_[redacted]'],
    ['/v1/msc_abc_SECRET/x?msc_abc_SECRET', '/v1/msc_[redacted]/x?msc_[redacted]'],
  ])('redacts %s', (url, logged) => {
    expect(loggableUrl(url)).toBe(logged);
    expect(loggableUrl(url)).not.toContain('SECRET');
  });
});
