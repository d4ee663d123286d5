import { useEffect, useState } from 'preact/hooks';

/** Loads once per key; `reload` loads again. */
export function useLoad<T>(load: () => Promise<T>, key: unknown[]) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load().then(
      (value) => live && setData(value),
      (failure: unknown) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [...key, tick]);
  return { data, error, reload: () => setTick((t) => t + 1), setData };
}
