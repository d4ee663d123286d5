import { ValueTransformer } from 'typeorm';

/** Ledger indexes, sequences and drops fit in a JS number (< 2^53); pg returns bigint as string. */
export const bigintNumber: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | number) => Number(value),
};

export const nullableBigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
