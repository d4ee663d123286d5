import { GroupCommit } from './group-commit';

/** A flush that records its batches and answers each item doubled, after the test releases it. */
function recorder() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const flush = async (items: number[]) => {
    batches.push(items);
    await new Promise<void>((release) => gates.push(release));
    if (items.includes(-1)) throw new Error('bad item');
    return items.map((i) => i * 2);
  };
  const releaseAll = async () => {
    while (gates.length > 0) {
      gates.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { batches, flush, releaseAll };
}

describe('GroupCommit', () => {
  it('flushes a lone item at once, alone', async () => {
    const r = recorder();
    const commit = new GroupCommit(r.flush, { maxBatch: 10, concurrency: 1 });
    const answer = commit.submit(1);
    expect(r.batches).toEqual([[1]]);
    await r.releaseAll();
    expect(await answer).toBe(2);
  });

  it('gathers what arrives during a flush into the next one, up to maxBatch', async () => {
    const r = recorder();
    const commit = new GroupCommit(r.flush, { maxBatch: 3, concurrency: 1 });
    const answers = [1, 2, 3, 4, 5, 6].map((i) => commit.submit(i));
    expect(r.batches).toEqual([[1]]);
    expect(commit.waiting).toBe(5);
    while (r.batches.flat().length < 6) await r.releaseAll();
    await r.releaseAll();
    expect(r.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    expect(await Promise.all(answers)).toEqual([2, 4, 6, 8, 10, 12]);
  });

  it('runs up to `concurrency` flushes side by side', async () => {
    const r = recorder();
    const commit = new GroupCommit(r.flush, { maxBatch: 10, concurrency: 2 });
    const answers = [1, 2, 3, 4].map((i) => commit.submit(i));
    expect(r.batches).toEqual([[1], [2]]);
    while (r.batches.flat().length < 4) await r.releaseAll();
    await r.releaseAll();
    expect(r.batches).toEqual([[1], [2], [3, 4]]);
    expect(await Promise.all(answers)).toEqual([2, 4, 6, 8]);
  });

  it('keeps one item per key in a batch: a repeated key waits for the next', async () => {
    const r = recorder();
    const commit = new GroupCommit(r.flush, {
      maxBatch: 10,
      concurrency: 1,
      key: (i: number) => String(i % 3),
    });
    const answers = [1, 2, 4, 5, 7].map((i) => commit.submit(i));
    while (r.batches.flat().length < 5) await r.releaseAll();
    await r.releaseAll();
    expect(r.batches).toEqual([[1], [2, 4], [5, 7]]);
    expect(await Promise.all(answers)).toEqual([2, 4, 8, 10, 14]);
  });

  it('retries each item of a failed batch alone: only the bad one fails', async () => {
    const r = recorder();
    const commit = new GroupCommit(r.flush, { maxBatch: 10, concurrency: 1 });
    const answers = Promise.allSettled([1, 2, -1, 3].map((i) => commit.submit(i)));
    while (r.batches.flat().length < 7) await r.releaseAll();
    await r.releaseAll();
    expect(r.batches).toEqual([[1], [2, -1, 3], [2], [-1], [3]]);
    const settled = await answers;
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[2] as PromiseRejectedResult).reason).toEqual(new Error('bad item'));
  });

  it('with gatherMs, waits that long before a flush, so items that trickle in share it', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit(
      async (items: number[]) => {
        batches.push(items);
        return items.map((i) => i * 2);
      },
      { maxBatch: 10, concurrency: 1, gatherMs: 30 },
    );
    const answers: Promise<number>[] = [];
    for (const i of [1, 2, 3]) {
      answers.push(commit.submit(i));
      await Promise.resolve(); // separate submits, but no timer can fire in between (load-proof)
    }
    expect(batches).toEqual([]);
    expect(await Promise.all(answers)).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(await commit.submit(4)).toBe(8);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });
});
