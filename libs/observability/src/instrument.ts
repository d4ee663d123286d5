import { Metrics } from '@app/domain';
import { errorLabel } from './prometheus-metrics';

/**
 * Wraps a gateway so that every asynchronous method call is timed and its failures counted, by
 * method: `instrument(new XrplLedgerGateway(...), 'xrpl', metrics)`. Synchronous methods and the
 * names in `skip` (lifecycle, subscriptions) pass through. The wrapped object keeps its class.
 */
export function instrument<T extends object>(
  target: T,
  upstream: string,
  metrics: Metrics,
  skip: readonly string[] = [],
): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || skip.includes(property)) {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(object) : value;
      }
      return (...args: unknown[]) => {
        const started = performance.now();
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(object, args);
        if (!(result instanceof Promise)) return result;
        return result.then(
          (answer: unknown) => {
            metrics.upstreamCall(upstream, property, (performance.now() - started) / 1000, null);
            return answer;
          },
          (error: unknown) => {
            metrics.upstreamCall(upstream, property, (performance.now() - started) / 1000, errorLabel(error));
            throw error;
          },
        );
      };
    },
  });
}
